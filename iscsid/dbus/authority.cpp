// service::authorize: who may change things over the bus. Root may; anyone
// else only when polkit (org.freedesktop.PolicyKit1) says so for
// manage_action, as systemd's services decide (bus_verify_polkit_async).
// Without polkit on the bus the answer is no.
#include "service.hpp"

#include <systemd/sd-bus.h>

#include <iostream>
#include <memory>
#include <string>

namespace iscsid::dbus {

namespace {

/// A call waiting for polkit's answer; freed by the answer's callback.
struct pending_check {
    service* owner;
    message_ptr call;
    std::function<void(message_ptr)> then;
};

void deny(service& s, sd_bus_message* call, std::string const& why)
{
    std::clog << "iscsid: D-Bus: refused " << ::sd_bus_message_get_member(call) << " from "
              << (::sd_bus_message_get_sender(call) ? ::sd_bus_message_get_sender(call) : "?") << ": " << why << "\n";
    (void)::sd_bus_reply_method_errorf(call, SD_BUS_ERROR_ACCESS_DENIED, "Not authorized to %s: %s",
                                      ::sd_bus_message_get_member(call), why.c_str());
    s.bus().wake();
}

/// CheckAuthorization's reply: (bba{ss}) is_authorized, is_challenge, details.
int on_polkit_answer(sd_bus_message* reply, void* userdata, sd_bus_error*)
{
    std::unique_ptr<pending_check> p(static_cast<pending_check*>(userdata));
    if (sd_bus_error const* e = ::sd_bus_message_get_error(reply)) {
        deny(*p->owner, p->call.get(), std::string("polkit did not answer (") + (e->name ? e->name : "?") + ")");
        return 0;
    }
    int authorized = 0, challenge = 0;
    if (::sd_bus_message_enter_container(reply, 'r', "bba{ss}") < 0 ||
        ::sd_bus_message_read(reply, "bb", &authorized, &challenge) < 0) {
        deny(*p->owner, p->call.get(), "polkit's answer could not be read");
        return 0;
    }
    if (!authorized) {
        deny(*p->owner, p->call.get(), challenge ? "authentication is required" : "polkit says no");
        return 0;
    }
    p->then(std::move(p->call));
    return 0;
}

} // namespace

void service::authorize(sd_bus_message* m, std::function<void(message_ptr)> then)
{
    sd_bus_creds* creds = nullptr;
    uid_t uid = 0;
    int r = ::sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
    if (r >= 0)
        r = ::sd_bus_creds_get_euid(creds, &uid);
    ::sd_bus_creds_unref(creds);
    if (r < 0) {
        deny(*this, m, "the caller's user is unknown");
        return;
    }
    if (uid == 0) {
        then(keep(m));
        return;
    }
    // RFC-less, but polkit's: subject ("system-bus-name", {name}), the
    // action, no details, AllowUserInteraction when the caller allows it.
    std::uint32_t const flags = ::sd_bus_message_get_allow_interactive_authorization(m) > 0 ? 1U : 0U;
    auto check = std::make_unique<pending_check>(pending_check{this, keep(m), std::move(then)});
    r = ::sd_bus_call_method_async(bus_.get(), nullptr, "org.freedesktop.PolicyKit1",
                                   "/org/freedesktop/PolicyKit1/Authority", "org.freedesktop.PolicyKit1.Authority",
                                   "CheckAuthorization", on_polkit_answer, check.get(), "(sa{sv})sa{ss}us",
                                   "system-bus-name", 1, "name", "s", ::sd_bus_message_get_sender(m), manage_action,
                                   0, flags, "");
    if (r < 0) {
        deny(*this, m, "polkit cannot be asked");
        return;
    }
    (void)check.release(); // on_polkit_answer owns it now
    bus_.wake();
}

} // namespace iscsid::dbus

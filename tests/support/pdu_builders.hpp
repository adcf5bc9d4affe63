/**
 * @file
 * Fluent builders for the PDUs a target sends, and decoders for the PDUs an
 * initiator machine sent, so unit tests read as protocol transcripts:
 *
 *     feed(login_response().stage(security, operational).transit().keys({{"AuthMethod", "None"}}).build());
 *     auto req = expect_login_request(*machine.poll_transmit());
 *     EXPECT_EQ(req.key("InitiatorName"), "iqn.2024-01.org.example:host");
 *
 * Everything is encoded and decoded by the library's own pdu/ and text/
 * modules (STYLE: no duplicate codec in tests). A builder starts from the
 * PDU struct's defaults; setters name the RFC 7143 field they set.
 */
#pragma once

#include "iscsi/pdu/decode.hpp"
#include "iscsi/text/key_value.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace iscsi::test {

/// The bytes of a string (no terminator).
inline std::vector<std::byte> bytes(std::string_view s)
{
    auto const b = std::as_bytes(std::span{s.data(), s.size()});
    return {b.begin(), b.end()};
}

/// n bytes 0, 1, 2, ... starting at `first` (wrapping at 256): data whose
/// every offset is recognisable.
inline std::vector<std::byte> pattern(std::size_t n, std::uint8_t first = 0)
{
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((first + i) & 0xffU);
    return v;
}

/**
 * Setters shared by the target PDUs; each exists only when the PDU has the
 * field (requires-clauses), so `reject().itt(1)` does not compile.
 */
template <class Derived, class Pdu>
class pdu_builder {
public:
    Derived& itt(std::uint32_t v) requires requires(Pdu& p) { p.itt_; }
    {
        p_.itt_ = iscsi::itt{v};
        return self();
    }
    Derived& ttt(std::uint32_t v) requires requires(Pdu& p) { p.ttt_; }
    {
        p_.ttt_ = iscsi::ttt{v};
        return self();
    }
    Derived& lun(std::uint16_t index) requires requires(Pdu& p) { p.lun_; }
    {
        p_.lun_ = iscsi::lun::from_index(index);
        return self();
    }
    Derived& stat_sn(std::uint32_t v)
    {
        p_.stat_sn = statsn{v};
        return self();
    }
    /// ExpCmdSN and MaxCmdSN (§4.2.2.1), carried by every target PDU.
    Derived& window(std::uint32_t exp, std::uint32_t max)
    {
        p_.exp_cmd_sn = cmdsn{exp};
        p_.max_cmd_sn = cmdsn{max};
        return self();
    }
    Derived& data(std::vector<std::byte> d) requires requires(Pdu& p) { p.data; }
    {
        p_.data = std::move(d);
        return self();
    }
    /// The data segment as text key=value pairs (§6.1).
    Derived& keys(text::key_values const& kvs) requires requires(Pdu& p) { p.data; }
    {
        p_.data = text::encode(kvs);
        return self();
    }
    /// Escape hatch for fields without a setter.
    template <class F>
    Derived& with(F&& f)
    {
        std::forward<F>(f)(p_);
        return self();
    }

    [[nodiscard]] Pdu const& value() const noexcept { return p_; }
    [[nodiscard]] pdu::raw_pdu build() const { return pdu::encode(p_); }

protected:
    Pdu p_{};

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

// ---------------------------------------------------------------- login (§11.13)

class login_response_builder : public pdu_builder<login_response_builder, pdu::login_response> {
public:
    /// CSG and NSG (NSG matters only with transit()).
    login_response_builder& stage(pdu::stage csg, pdu::stage nsg)
    {
        p_.csg = csg;
        p_.nsg = nsg;
        return *this;
    }
    login_response_builder& transit(bool t = true)
    {
        p_.transit = t;
        return *this;
    }
    login_response_builder& cont(bool c = true)
    {
        p_.cont = c;
        return *this;
    }
    login_response_builder& status(std::uint8_t status_class, std::uint8_t detail)
    {
        p_.status_class = status_class;
        p_.status_detail = detail;
        return *this;
    }
    login_response_builder& tsih(std::uint16_t v)
    {
        p_.tsih_ = iscsi::tsih{v};
        return *this;
    }
    login_response_builder& isid(iscsi::isid v)
    {
        p_.isid_ = v;
        return *this;
    }
    login_response_builder& version_active(std::uint8_t v)
    {
        p_.version_active = v;
        return *this;
    }
};

inline login_response_builder login_response() { return {}; }

// ---------------------------------------------------------------- SCSI (§11.4, §11.7, §11.8)

class scsi_response_builder : public pdu_builder<scsi_response_builder, pdu::scsi_response> {
public:
    scsi_response_builder& status(std::uint8_t s)
    {
        p_.status = s;
        return *this;
    }
    scsi_response_builder& response(pdu::service_response r)
    {
        p_.response = r;
        return *this;
    }
    scsi_response_builder& sense(std::vector<std::byte> s)
    {
        p_.sense = std::move(s);
        return *this;
    }
    scsi_response_builder& underflow(std::uint32_t residual)
    {
        p_.residual_underflow = true;
        p_.residual_count = residual;
        return *this;
    }
    scsi_response_builder& overflow(std::uint32_t residual)
    {
        p_.residual_overflow = true;
        p_.residual_count = residual;
        return *this;
    }
    scsi_response_builder& exp_data_sn(std::uint32_t v)
    {
        p_.exp_data_sn = datasn{v};
        return *this;
    }
};

inline scsi_response_builder scsi_response() { return {}; }

/// Task Management Function Response (§11.6).
class tmf_response_builder : public pdu_builder<tmf_response_builder, pdu::task_mgmt_response> {
public:
    tmf_response_builder& response(pdu::tmf_response r)
    {
        p_.response = r;
        return *this;
    }
};

inline tmf_response_builder tmf_response() { return {}; }

class data_in_builder : public pdu_builder<data_in_builder, pdu::data_in> {
public:
    data_in_builder& data_sn(std::uint32_t v)
    {
        p_.data_sn = datasn{v};
        return *this;
    }
    data_in_builder& offset(std::uint32_t v)
    {
        p_.buffer_offset = v;
        return *this;
    }
    data_in_builder& final(bool f = true)
    {
        p_.final = f;
        return *this;
    }
    /// Phase collapse (§11.7.4): S and F set, status valid.
    data_in_builder& status(std::uint8_t s)
    {
        p_.final = true;
        p_.status_present = true;
        p_.status = s;
        return *this;
    }
    data_in_builder& underflow(std::uint32_t residual)
    {
        p_.residual_underflow = true;
        p_.residual_count = residual;
        return *this;
    }
};

inline data_in_builder data_in() { return {}; }

class r2t_builder : public pdu_builder<r2t_builder, pdu::r2t> {
public:
    r2t_builder& r2t_sn(std::uint32_t v)
    {
        p_.r2t_sn = r2tsn{v};
        return *this;
    }
    /// Buffer Offset and Desired Data Transfer Length (§11.8.3, §11.8.4).
    r2t_builder& range(std::uint32_t offset, std::uint32_t length)
    {
        p_.buffer_offset = offset;
        p_.desired_data_transfer_length = length;
        return *this;
    }
};

inline r2t_builder r2t() { return {}; }

// ---------------------------------------------------------------- the rest (§11.9 - §11.19)

class nop_in_builder : public pdu_builder<nop_in_builder, pdu::nop_in> {};
inline nop_in_builder nop_in() { return {}; }

class text_response_builder : public pdu_builder<text_response_builder, pdu::text_response> {
public:
    text_response_builder& final(bool f = true)
    {
        p_.final = f;
        return *this;
    }
    text_response_builder& cont(bool c = true)
    {
        p_.cont = c;
        return *this;
    }
};

inline text_response_builder text_response() { return {}; }

class logout_response_builder : public pdu_builder<logout_response_builder, pdu::logout_response> {
public:
    logout_response_builder& response(pdu::logout_response_code r)
    {
        p_.response = r;
        return *this;
    }
    logout_response_builder& times(std::uint16_t time2wait, std::uint16_t time2retain)
    {
        p_.time2wait = time2wait;
        p_.time2retain = time2retain;
        return *this;
    }
};

inline logout_response_builder logout_response() { return {}; }

class reject_builder : public pdu_builder<reject_builder, pdu::reject> {
public:
    reject_builder& reason(pdu::reject_reason r)
    {
        p_.reason = r;
        return *this;
    }
    /// The rejected PDU's BHS travels back in the data segment (§11.17.4).
    reject_builder& rejected(pdu::raw_pdu const& pdu)
    {
        p_.rejected_header.assign(pdu.bhs.begin(), pdu.bhs.end());
        return *this;
    }
};

inline reject_builder reject() { return {}; }

class async_message_builder : public pdu_builder<async_message_builder, pdu::async_message> {
public:
    async_message_builder& event(pdu::async_event e)
    {
        p_.event = e;
        return *this;
    }
    async_message_builder& parameters(std::uint16_t p1, std::uint16_t p2, std::uint16_t p3)
    {
        p_.parameter1 = p1;
        p_.parameter2 = p2;
        p_.parameter3 = p3;
        return *this;
    }
};

inline async_message_builder async_message() { return {}; }

// ---------------------------------------------------------------- what the initiator sent

/// First value of `key`, or nullopt; reads well in EXPECT_EQ(..., "value").
inline std::optional<std::string> value_of(text::key_values const& kvs, std::string_view key)
{
    if (auto const* v = text::find(kvs, key)) return *v;
    return std::nullopt;
}

/**
 * Decodes an initiator PDU as the given type; records a test failure (and
 * returns a default-constructed PDU) when the opcode or the encoding is
 * wrong, so the caller's field checks fail loudly too.
 */
template <class Pdu>
Pdu expect_pdu(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto decoded = pdu::decode_initiator_pdu(raw, &d);
    if (!decoded) {
        ADD_FAILURE() << "undecodable initiator PDU (opcode " << static_cast<unsigned>(raw.op())
                      << "): " << decoded.error().message() << " " << d.message;
        return {};
    }
    if (auto* p = std::get_if<Pdu>(&*decoded)) return std::move(*p);
    ADD_FAILURE() << "the initiator sent " << pdu::name_of(raw.op()) << ", not the PDU the test expected";
    return {};
}

/// A Login or Text Request with its data segment parsed as key=value text.
template <class Pdu>
struct with_keys {
    Pdu pdu;
    text::key_values keys;

    [[nodiscard]] std::optional<std::string> key(std::string_view name) const { return value_of(keys, name); }
    [[nodiscard]] bool has(std::string_view name) const { return text::find(keys, name) != nullptr; }
};

template <class Pdu>
with_keys<Pdu> expect_with_keys(pdu::raw_pdu const& raw)
{
    with_keys<Pdu> out{expect_pdu<Pdu>(raw), {}};
    diagnostics d;
    // A continued (C=1) piece may end mid-pair: only whole texts are parsed
    // (for the pieces of a continued text, use expect_pdu<> and join them).
    if (out.pdu.cont) return out;
    auto kvs = text::parse(out.pdu.data, {}, &d);
    if (!kvs) {
        ADD_FAILURE() << "the initiator sent unparsable text: " << d.message;
        return out;
    }
    out.keys = std::move(*kvs);
    return out;
}

using sent_login = with_keys<pdu::login_request>;
using sent_text = with_keys<pdu::text_request>;

inline sent_login expect_login_request(pdu::raw_pdu const& raw) { return expect_with_keys<pdu::login_request>(raw); }
inline sent_text expect_text_request(pdu::raw_pdu const& raw) { return expect_with_keys<pdu::text_request>(raw); }

} // namespace iscsi::test

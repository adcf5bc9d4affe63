// SendTargets response parsing, RFC 7143 §12.3 and Appendix C.
#include "iscsi/discovery/sendtargets.hpp"

#include "iscsi/core/iscsi_name.hpp"
#include "iscsi/discovery/errors.hpp"

#include <algorithm>
#include <unordered_map>

namespace iscsi::discovery {
namespace {

std::error_code fail(errc e, diagnostics* diag, std::string message)
{
    if (diag) diag->set(std::move(message));
    return make_error_code(e);
}

class builder {
public:
    explicit builder(diagnostics* diag) : diag_(diag) {}

    // §13.4 / Appendix C: "TargetName=<name>" opens the record for a target.
    result<void> target_name(std::string const& name)
    {
        if (auto const problem = check_iscsi_name(name); problem != name_problem::none)
            return fail(errc::bad_target_name, diag_,
                        "target name \"" + name.substr(0, 64) + "\": " + std::string(describe(problem)));
        // Some targets list one target twice (once per portal group); fold
        // the repeats into the first record.
        if (auto const found = index_.find(name); found != index_.end()) {
            current_ = found->second;
            return {};
        }
        if (records_.size() >= max_targets)
            return fail(errc::too_many_targets, diag_,
                        "the response lists more than " + std::to_string(max_targets) + " targets");
        records_.push_back(target_record{name, {}, {}});
        current_ = records_.size() - 1;
        index_.emplace(name, *current_);
        return {};
    }

    // §13.8: "TargetAddress=domainname[:port][,portal-group-tag]".
    result<void> target_address(std::string const& value)
    {
        if (!current_)
            return fail(errc::address_before_name, diag_,
                        "TargetAddress=" + value.substr(0, 64) + " appears before any TargetName");
        target_record& r = records_[*current_];
        diagnostics inner;
        auto p = parse_portal(value, &inner);
        if (!p)
            return fail(errc::bad_target_address, diag_,
                        "target " + r.name + ": TargetAddress=" + value.substr(0, 64) + ": " + inner.message);
        if (std::find(r.portals.begin(), r.portals.end(), *p) != r.portals.end()) return {};
        if (r.portals.size() >= max_portals_per_target)
            return fail(errc::too_many_portals, diag_,
                        "target " + r.name + " lists more than " + std::to_string(max_portals_per_target) +
                            " portals");
        r.portals.push_back(std::move(*p));
        return {};
    }

    void target_alias(std::string const& value)
    {
        if (current_) records_[*current_].alias = value;
    }

    std::vector<target_record> finish(portal const& discovery_portal) &&
    {
        // Appendix C: a target listed without TargetAddress is reached
        // through the portal the discovery session used.
        for (auto& r : records_)
            if (r.portals.empty()) r.portals.push_back(discovery_portal);
        return std::move(records_);
    }

private:
    diagnostics* diag_;
    std::vector<target_record> records_;
    std::unordered_map<std::string, std::size_t> index_; ///< name → position in records_
    std::optional<std::size_t> current_;
};

} // namespace

result<std::vector<target_record>> parse_sendtargets(text::key_values const& keys, portal const& discovery_portal,
                                                     diagnostics* diag)
{
    builder b(diag);
    for (auto const& kv : keys) {
        if (kv.key == "TargetName") {
            if (auto r = b.target_name(kv.value); !r) return r.error();
        } else if (kv.key == "TargetAddress") {
            if (auto r = b.target_address(kv.value); !r) return r.error();
        } else if (kv.key == "TargetAlias") {
            b.target_alias(kv.value);
        }
        // Anything else (vendor keys, later RFC additions) is ignored.
    }
    return std::move(b).finish(discovery_portal);
}

} // namespace iscsi::discovery

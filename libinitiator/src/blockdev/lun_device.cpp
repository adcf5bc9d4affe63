// A LUN as a byte-addressed device (SBC-3 block commands).
#include "iscsi/blockdev/lun_device.hpp"

#include "iscsi/scsi/capacity.hpp"
#include "iscsi/scsi/cdb.hpp"
#include "iscsi/scsi/sense.hpp"
#include "iscsi/scsi/vpd.hpp"
#include "iscsi/session/errors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

namespace iscsi::blockdev {

namespace {

class category_impl final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.blockdev"; }
    std::string message(int v) const override
    {
        switch (static_cast<errc>(v)) {
        case errc::beyond_end: return "the range ends beyond the last block of the LU";
        case errc::write_protected: return "the LU is write-protected";
        case errc::medium_error: return "the LU reported a medium or hardware error";
        case errc::illegal_request: return "the LU refused the command (ILLEGAL REQUEST)";
        case errc::scsi_failure: return "the SCSI command failed";
        case errc::not_a_disk: return "the LU does not report a capacity (not a disk)";
        }
        return "unknown block device error";
    }
    recovery recovery_of(int) const noexcept override { return recovery::report_to_user; }
};

/// Largest transfer per command when the LU sets no limit: 8 MiB.
constexpr std::uint64_t default_max_transfer_bytes = 8U << 20U;
/// WRITE SAME blocks per command when the LU sets no limit.
constexpr std::uint64_t default_write_same_blocks = 1U << 16U;

} // namespace

error_category const& blockdev_category() noexcept
{
    static category_impl const c;
    return c;
}

int to_errno(std::error_code ec) noexcept
{
    if (ec == errc::beyond_end) return ENOSPC;
    if (ec == errc::write_protected) return EROFS;
    if (ec == std::errc::operation_canceled) return EINTR;
    return EIO;
}

lun_device::lun_device(execute_fn exec, lun l, geometry g) : exec_(std::move(exec)), lun_(l), geom_(g) {}

result<std::unique_ptr<lun_device>> lun_device::open(execute_fn exec, lun l, diagnostics* diag)
{
    auto ask = [&](scsi::command cmd) -> result<session::scsi_outcome> {
        auto r = exec(session::scsi_request{l, cmd, {}});
        if (!r) return r.error();
        if (r->status != 0) return make_error_code(errc::scsi_failure);
        return r;
    };
    geometry g;
    auto rc = ask(scsi::read_capacity16());
    auto cap = rc ? scsi::parse_read_capacity16(rc->data) : result<scsi::capacity>(rc.error());
    if (!cap) { // READ CAPACITY(16) is optional for small LUs (SBC-3 §5.16)
        rc = ask(scsi::read_capacity10());
        cap = rc ? scsi::parse_read_capacity10(rc->data) : result<scsi::capacity>(rc.error());
    }
    if (!cap) {
        if (diag) diag->set("READ CAPACITY: " + cap.error().message());
        return cap.error().category() == session::session_category() ? cap.error() : make_error_code(errc::not_a_disk);
    }
    g.blocks = cap->last_lba + 1;
    g.block_size = cap->block_size;

    std::vector<std::uint8_t> pages;
    if (auto r = ask(scsi::inquiry_vpd(0x00)))
        if (auto p = scsi::parse_supported_vpd_pages(r->data)) pages = std::move(*p);
    auto offered = [&](std::uint8_t page) { return std::find(pages.begin(), pages.end(), page) != pages.end(); };
    std::uint64_t max_blocks = default_max_transfer_bytes / g.block_size;
    if (offered(0xb0)) {
        if (auto r = ask(scsi::inquiry_vpd(0xb0, 64))) {
            if (auto lim = scsi::parse_block_limits(r->data)) {
                if (lim->max_transfer_length != 0) max_blocks = std::min<std::uint64_t>(max_blocks, lim->max_transfer_length);
                g.max_write_same_blocks = lim->max_write_same_length;
            }
        }
    }
    if (offered(0xb2)) {
        if (auto r = ask(scsi::inquiry_vpd(0xb2, 64)))
            if (auto lbp = scsi::parse_logical_block_provisioning(r->data)) g.write_same_unmap = lbp->lbpws;
    }
    g.max_transfer_blocks = static_cast<std::uint32_t>(std::max<std::uint64_t>(max_blocks, 1));
    return std::make_unique<lun_device>(std::move(exec), l, g);
}

std::error_code lun_device::run(char const* what, std::uint64_t lba, std::uint64_t blocks, session::scsi_request req,
                                session::scsi_outcome* out)
{
    auto r = exec_(std::move(req));
    std::error_code ec;
    std::string why;
    if (!r) {
        ec = r.error();
        why = ec.message();
    } else if (r->response != pdu::service_response::command_completed || r->status != 0) {
        ec = make_error_code(errc::scsi_failure);
        why = "status " + std::to_string(r->status);
        if (auto s = scsi::parse_sense(r->sense)) {
            why = scsi::describe(*s);
            switch (s->key) {
            case scsi::sense_key::data_protect: ec = make_error_code(errc::write_protected); break;
            case scsi::sense_key::medium_error:
            case scsi::sense_key::hardware_error: ec = make_error_code(errc::medium_error); break;
            case scsi::sense_key::illegal_request: ec = make_error_code(errc::illegal_request); break;
            default: break;
            }
        }
    } else {
        if (out) *out = std::move(*r);
        return {};
    }
    if (on_error)
        on_error(std::string(what) + " of blocks " + std::to_string(lba) + "+" + std::to_string(blocks) + ": " + why);
    return ec;
}

std::uint32_t lun_device::chunk_blocks(std::uint64_t left) const noexcept
{
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(left, geom_.max_transfer_blocks));
}

std::error_code lun_device::read_blocks(std::uint64_t lba, std::span<std::byte> out)
{
    std::uint32_t const bs = geom_.block_size;
    for (std::uint64_t done = 0, total = out.size() / bs; done < total;) {
        std::uint32_t const n = chunk_blocks(total - done);
        auto chunk = out.subspan(done * bs, std::size_t{n} * bs);
        session::scsi_outcome r;
        if (auto ec = run("READ(16)", lba + done, n, {lun_, scsi::read16(lba + done, n, bs), {}}, &r)) return ec;
        if (r.data.size() != chunk.size()) {
            if (on_error) on_error("READ(16) of blocks " + std::to_string(lba + done) + ": short read");
            return make_error_code(errc::scsi_failure);
        }
        std::memcpy(chunk.data(), r.data.data(), chunk.size());
        done += n;
    }
    return {};
}

std::error_code lun_device::write_blocks(std::uint64_t lba, std::span<std::byte const> in)
{
    std::uint32_t const bs = geom_.block_size;
    for (std::uint64_t done = 0, total = in.size() / bs; done < total;) {
        std::uint32_t const n = chunk_blocks(total - done);
        auto chunk = in.subspan(done * bs, std::size_t{n} * bs);
        // The caller's bytes go straight into the Data-Out PDUs (a gather list).
        session::scsi_request req{lun_, scsi::write16(lba + done, n, bs), {}};
        req.write_from = {chunk};
        if (auto ec = run("WRITE(16)", lba + done, n, std::move(req))) return ec;
        done += n;
    }
    return {};
}

std::error_code lun_device::read(std::uint64_t offset, std::span<std::byte> out)
{
    if (offset > size() || out.size() > size() - offset) return errc::beyond_end;
    if (out.empty()) return {};
    std::uint32_t const bs = geom_.block_size;
    if (offset % bs == 0 && out.size() % bs == 0) return read_blocks(offset / bs, out);
    std::uint64_t const first = offset / bs;
    std::uint64_t const last = (offset + out.size() - 1) / bs;
    std::vector<std::byte> tmp((last - first + 1) * bs);
    if (auto ec = read_blocks(first, tmp)) return ec;
    std::memcpy(out.data(), tmp.data() + (offset - first * bs), out.size());
    return {};
}

std::error_code lun_device::write(std::uint64_t offset, std::span<std::byte const> in)
{
    if (offset > size() || in.size() > size() - offset) return errc::beyond_end;
    if (in.empty()) return {};
    std::uint32_t const bs = geom_.block_size;
    if (offset % bs == 0 && in.size() % bs == 0) {
        std::shared_lock lock(rmw_);
        return write_blocks(offset / bs, in);
    }
    std::unique_lock lock(rmw_);
    return write_partial(offset, in);
}

/// Read-modify-write of the partial blocks at either end, under the
/// exclusive lock.
std::error_code lun_device::write_partial(std::uint64_t offset, std::span<std::byte const> in)
{
    std::uint32_t const bs = geom_.block_size;
    std::uint64_t const first = offset / bs;
    std::uint64_t const last = (offset + in.size() - 1) / bs;
    std::vector<std::byte> tmp((last - first + 1) * bs);
    std::span<std::byte> const whole(tmp);
    if (offset % bs != 0)
        if (auto ec = read_blocks(first, whole.first(bs))) return ec;
    if ((offset + in.size()) % bs != 0 && (last != first || offset % bs == 0))
        if (auto ec = read_blocks(last, whole.last(bs))) return ec;
    std::memcpy(tmp.data() + (offset - first * bs), in.data(), in.size());
    return write_blocks(first, whole);
}

std::error_code lun_device::flush()
{
    return run("SYNCHRONIZE CACHE(16)", 0, geom_.blocks, {lun_, scsi::synchronize_cache16(), {}});
}

std::error_code lun_device::zero_range(std::uint64_t offset, std::uint64_t length, bool deallocate)
{
    if (offset > size() || length > size() - offset) return errc::beyond_end;
    std::uint32_t const bs = geom_.block_size;
    std::uint64_t const end = offset + length;
    std::uint64_t const first_full = (offset + bs - 1) / bs;
    std::uint64_t const end_full = end / bs;
    if (first_full >= end_full) { // within one or two partial blocks
        std::vector<std::byte> zeros(length);
        return write(offset, zeros);
    }
    if (offset < first_full * bs) {
        std::vector<std::byte> zeros(first_full * bs - offset);
        if (auto ec = write(offset, zeros)) return ec;
    }
    if (end > end_full * bs) {
        std::vector<std::byte> zeros(end - end_full * bs);
        if (auto ec = write(end_full * bs, zeros)) return ec;
    }
    std::shared_lock lock(rmw_);
    return zero_blocks(first_full, end_full - first_full, deallocate);
}

std::error_code lun_device::zero_blocks(std::uint64_t lba, std::uint64_t count, bool deallocate)
{
    std::uint32_t const bs = geom_.block_size;
    std::uint64_t const per_same =
        std::min<std::uint64_t>(geom_.max_write_same_blocks ? geom_.max_write_same_blocks : default_write_same_blocks, 0xffffffffU);
    while (count > 0 && write_same_ok_.load()) {
        auto const n = static_cast<std::uint32_t>(std::min(count, per_same));
        auto cmd = scsi::write_same16(lba, n, bs, {.unmap = deallocate && geom_.write_same_unmap});
        if (!cmd) return cmd.error();
        auto ec = run("WRITE SAME(16)", lba, n, {lun_, *cmd, std::vector<std::byte>(bs)});
        if (ec == errc::illegal_request) {
            write_same_ok_ = false; // not supported: zero writes from now on
            break;
        }
        if (ec) return ec;
        lba += n;
        count -= n;
    }
    std::vector<std::byte> zeros(std::min<std::uint64_t>(count, geom_.max_transfer_blocks) * bs);
    while (count > 0) {
        auto const n = std::min<std::uint64_t>(count, zeros.size() / bs);
        if (auto ec = write_blocks(lba, std::span<std::byte const>(zeros).first(n * bs))) return ec;
        lba += n;
        count -= n;
    }
    return {};
}

} // namespace iscsi::blockdev

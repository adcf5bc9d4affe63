// An in-memory direct-access LU that executes the SBC-3 commands lun_device
// sends, for unit tests (never the only proof: tests/integration runs the
// same code against tgtd). Thread-safe; counts the commands it ran.
#pragma once

#include "iscsi/blockdev/lun_device.hpp"
#include "iscsi/scsi/cdb.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace iscsi::blockdev::test {

class fake_lu {
public:
    fake_lu(std::uint64_t blocks, std::uint32_t block_size) : bs_(block_size), data_(blocks * block_size) {}

    std::uint32_t max_transfer_blocks = 0; ///< Block Limits MAXIMUM TRANSFER LENGTH (0: none)
    bool write_same = true;                ///< false: WRITE SAME is ILLEGAL REQUEST
    bool lbpws = false;                    ///< advertise WRITE SAME with UNMAP
    bool write_protected = false;

    execute_fn executor()
    {
        return [this](session::scsi_request r) -> result<session::scsi_outcome> { return execute(r); };
    }

    std::vector<std::byte> contents()
    {
        std::lock_guard g(m_);
        return data_;
    }
    void fill(std::vector<std::byte> const& d)
    {
        std::lock_guard g(m_);
        data_ = d;
    }
    unsigned count(scsi::opcode op)
    {
        std::lock_guard g(m_);
        return counts_[static_cast<std::uint8_t>(op)];
    }
    unsigned unmapped_write_sames()
    {
        std::lock_guard g(m_);
        return unmap_bits_;
    }
    std::uint32_t largest_transfer()
    {
        std::lock_guard g(m_);
        return largest_;
    }

private:
    static std::uint64_t be(std::span<std::byte const> c, std::size_t at, std::size_t n)
    {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8U) | std::to_integer<std::uint64_t>(c[at + i]);
        return v;
    }
    static void put_be(std::vector<std::byte>& d, std::size_t at, std::uint64_t v, std::size_t n)
    {
        for (std::size_t i = 0; i < n; ++i) d[at + i] = static_cast<std::byte>((v >> (8 * (n - 1 - i))) & 0xffU);
    }
    static session::scsi_outcome check_condition(std::uint8_t key, std::uint8_t asc)
    {
        session::scsi_outcome o;
        o.status = 0x02;
        o.sense.assign(18, std::byte{0});
        o.sense[0] = std::byte{0x70};
        o.sense[2] = std::byte{key};
        o.sense[7] = std::byte{10};
        o.sense[12] = std::byte{asc};
        return o;
    }

    session::scsi_outcome vpd(std::uint8_t page)
    {
        session::scsi_outcome o;
        if (page == 0x00) {
            o.data = {std::byte{0}, std::byte{0}, std::byte{0}, std::byte{3}, std::byte{0x00}, std::byte{0xb0}, std::byte{0xb2}};
        } else if (page == 0xb0) {
            o.data.assign(64, std::byte{0});
            o.data[1] = std::byte{0xb0};
            o.data[3] = std::byte{0x3c};
            put_be(o.data, 8, max_transfer_blocks, 4);
        } else if (page == 0xb2) {
            o.data.assign(8, std::byte{0});
            o.data[1] = std::byte{0xb2};
            o.data[3] = std::byte{4};
            o.data[5] = std::byte{static_cast<std::uint8_t>(lbpws ? 0x40 : 0)};
        } else {
            return check_condition(0x05, 0x24);
        }
        return o;
    }

    result<session::scsi_outcome> execute(session::scsi_request const& r)
    {
        std::lock_guard g(m_);
        auto const c = r.cmd.cdb_.view();
        auto const op = std::to_integer<std::uint8_t>(c[0]);
        ++counts_[op];
        std::uint64_t const blocks_total = data_.size() / bs_;
        session::scsi_outcome o;
        switch (static_cast<scsi::opcode>(op)) {
        case scsi::opcode::service_action_in16:
            o.data.assign(32, std::byte{0});
            put_be(o.data, 0, blocks_total - 1, 8);
            put_be(o.data, 8, bs_, 4);
            return o;
        case scsi::opcode::inquiry: return vpd(std::to_integer<std::uint8_t>(c[2]));
        case scsi::opcode::synchronize_cache16: return o;
        case scsi::opcode::read16:
        case scsi::opcode::write16:
        case scsi::opcode::write_same16: {
            std::uint64_t const lba = be(c, 2, 8);
            std::uint64_t const n = be(c, 10, 4);
            if (lba + n > blocks_total) return check_condition(0x05, 0x21);
            if (op != 0x88 && write_protected) return check_condition(0x07, 0x27);
            if (op == 0x93 && !write_same) return check_condition(0x05, 0x20);
            largest_ = std::max(largest_, static_cast<std::uint32_t>(n));
            auto at = data_.begin() + static_cast<std::ptrdiff_t>(lba * bs_);
            if (op == 0x88) {
                o.data.assign(at, at + static_cast<std::ptrdiff_t>(n * bs_));
            } else if (op == 0x8a) {
                std::vector<std::byte> in;
                r.append_write_data(0, r.write_length(), in); // data_out or the gather list
                std::copy(in.begin(), in.end(), at);
            } else {
                if ((std::to_integer<unsigned>(c[1]) & 0x08U) != 0) ++unmap_bits_;
                for (std::uint64_t i = 0; i < n; ++i)
                    std::copy(r.data_out.begin(), r.data_out.end(), at + static_cast<std::ptrdiff_t>(i * bs_));
            }
            return o;
        }
        default: return check_condition(0x05, 0x20);
        }
    }

    std::uint32_t bs_;
    std::vector<std::byte> data_;
    std::mutex m_;
    std::map<std::uint8_t, unsigned> counts_;
    unsigned unmap_bits_ = 0;
    std::uint32_t largest_ = 0;
};

} // namespace iscsi::blockdev::test

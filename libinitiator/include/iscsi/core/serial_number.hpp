/**
 * @file
 * 32-bit sequence numbers compared with RFC 1982 serial number arithmetic,
 * as RFC 7143 §4.2.2.1 requires for CmdSN, StatSN, DataSN and R2TSN. Each
 * number space is its own type so a StatSN can never be compared to a CmdSN.
 */
#pragma once

#include <compare>
#include <cstdint>

namespace iscsi {

template <class Tag>
class serial_number {
public:
    constexpr serial_number() noexcept = default;
    constexpr explicit serial_number(std::uint32_t v) noexcept : v_(v) {}

    [[nodiscard]] constexpr std::uint32_t value() const noexcept { return v_; }

    friend constexpr bool operator==(serial_number, serial_number) noexcept = default;

    /// RFC 1982 §3.2: i1 < i2 iff the forward distance from i1 to i2 is in
    /// (0, 2^31). Numbers exactly 2^31 apart are unordered (neither is less).
    friend constexpr bool operator<(serial_number a, serial_number b) noexcept
    {
        std::uint32_t const d = b.v_ - a.v_;
        return d != 0 && d < 0x80000000U;
    }
    friend constexpr bool operator>(serial_number a, serial_number b) noexcept { return b < a; }
    friend constexpr bool operator<=(serial_number a, serial_number b) noexcept { return a == b || a < b; }
    friend constexpr bool operator>=(serial_number a, serial_number b) noexcept { return a == b || b < a; }

    /// RFC 1982 §3.1 addition (n must be below 2^31, which all callers obey).
    friend constexpr serial_number operator+(serial_number a, std::uint32_t n) noexcept
    {
        return serial_number{a.v_ + n};
    }
    constexpr serial_number& operator++() noexcept { ++v_; return *this; }
    constexpr serial_number operator++(int) noexcept { auto old = *this; ++v_; return old; }

    /// Forward distance from `from` to this number (mod 2^32).
    [[nodiscard]] constexpr std::uint32_t distance_from(serial_number from) const noexcept
    {
        return v_ - from.v_;
    }

private:
    std::uint32_t v_ = 0;
};

struct cmdsn_tag;
struct statsn_tag;
struct datasn_tag;
struct r2tsn_tag;

/// CmdSN, ExpCmdSN and MaxCmdSN share one number space (§4.2.2.1).
using cmdsn = serial_number<cmdsn_tag>;
/// StatSN and ExpStatSN (§4.2.2.2).
using statsn = serial_number<statsn_tag>;
/// DataSN and ExpDataSN (§4.2.2.3).
using datasn = serial_number<datasn_tag>;
/// R2TSN.
using r2tsn = serial_number<r2tsn_tag>;

} // namespace iscsi

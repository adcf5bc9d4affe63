/**
 * @file
 * Protocol machines never read a clock (STYLE habit 1): the driver passes
 * `now` in and reads deadlines out. This is the clock type they speak.
 */
#pragma once

#include <chrono>

namespace iscsi {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using duration = clock::duration;

} // namespace iscsi

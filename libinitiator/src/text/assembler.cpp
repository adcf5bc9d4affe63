#include "iscsi/text/assembler.hpp"

#include "iscsi/text/errors.hpp"

#include <algorithm>
#include <string>

namespace iscsi::text {

result<void> text_assembler::append(std::span<std::byte const> segment, bool more, diagnostics* diag)
{
    if (complete_) reset();
    if (segment.size() > max_total_bytes_ - buffer_.size()) {
        auto const total = buffer_.size() + segment.size();
        reset();
        if (diag)
            diag->set("the continued text grew to " + std::to_string(total) + " bytes; at most " +
                      std::to_string(max_total_bytes_) + " are accepted");
        return make_error_code(errc::text_too_long);
    }
    buffer_.insert(buffer_.end(), segment.begin(), segment.end());
    complete_ = !more;
    return {};
}

result<key_values> text_assembler::take(text_limits const& limits, diagnostics* diag)
{
    auto parsed = parse(buffer_, limits, diag);
    reset();
    return parsed;
}

void text_assembler::reset() noexcept
{
    buffer_.clear();
    complete_ = false;
}

std::vector<std::vector<std::byte>> split(std::span<std::byte const> text, std::size_t max_chunk)
{
    max_chunk = std::max<std::size_t>(max_chunk, 1);
    std::vector<std::vector<std::byte>> chunks;
    if (text.empty()) {
        chunks.emplace_back();
        return chunks;
    }
    for (std::size_t pos = 0; pos < text.size(); pos += max_chunk) {
        auto const part = text.subspan(pos, std::min(max_chunk, text.size() - pos));
        chunks.emplace_back(part.begin(), part.end());
    }
    return chunks;
}

} // namespace iscsi::text

// Prompt perturbations: typing errors, clutter (log and stack-trace lines
// pasted around the question) and reordered layout. All draws come from the
// seeded Rng, so a seed gives the same text on every machine.
#ifndef MMGATE_PERTURB_TEXT_H_
#define MMGATE_PERTURB_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace mmgate::perturb {

// Each word of three or more letters gets one typo with probability `rate`:
// two neighbouring letters swapped, one dropped, one doubled, or one replaced
// by a neighbour on a QWERTY keyboard. Non-ASCII bytes are never touched.
std::string AddTypos(std::string_view text, double rate, uint64_t seed);

// Inserts `lines` log or stack-trace lines (timestamps, levels, Java and
// Python frames) before, between and after the text's lines.
std::string AddClutter(std::string_view text, int lines, uint64_t seed);

// Moves round(share * n) of the text's n lines (sentences when the text is
// one line) to other positions. Texts with one unit are returned unchanged.
std::string Reorder(std::string_view text, double share, uint64_t seed);

}  // namespace mmgate::perturb

#endif  // MMGATE_PERTURB_TEXT_H_

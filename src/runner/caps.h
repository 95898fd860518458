// Input caps (dataset/item.h's InputCaps, the `caps:` section per modality):
// an item whose media exceed its modality's cap is refused before any
// request, by the item executor (`mmgate run`) and by the load generator.
// Pure functions apart from reading the item's media files; thread-safe.
#ifndef MMGATE_RUNNER_CAPS_H_
#define MMGATE_RUNNER_CAPS_H_

#include <map>
#include <string>

#include "dataset/item.h"

namespace mmgate::runner {

// The caps of `modality`'s items: the config's for it, each field replaced
// by `overrides`' when that is set (command-line flags win).
InputCaps CapsFor(const std::map<std::string, InputCaps>& caps,
                  const std::string& modality, const InputCaps& overrides = {});

// Why `item` breaks `caps` (empty: it does not), naming the item, the
// medium, its size and the cap: "item p0: image media/a.png is 2048 bytes,
// over the image_bytes cap of 10". Media that cannot be read to measure
// are a violation too (an unmeasurable input cannot be shown to fit).
std::string CapViolation(const Item& item, const InputCaps& caps);

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_CAPS_H_

// The demo's voice pipeline (issue 13 part 5): spoken requests from the
// demo's sentences in Flite voices, some through the demo's phone codecs,
// run PocketSphinx -> keyword rules -> eSpeak NG -> PocketSphinx (a grammar
// of the replies). The baseline's rules answer every request; the
// candidate's rules (`rules-v2`) lost two of them in a "refactor", so the
// per-stage gate has a real reasoning regression to find.
#ifndef MMGATE_DEMO_VOICE_PIPELINE_H_
#define MMGATE_DEMO_VOICE_PIPELINE_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace mmgate::demo {

struct VoicePipeline {
  std::string config;  // <dir>/mmgate.yaml
  std::string suite = "voice";
  // The config's baseline and candidate: `mmgate run` runs the pipeline
  // with each, the candidate taking the baseline's stage (reason).
  std::string baseline = "rules";
  std::string candidate_stage = "reason";
  std::string candidate_model = "rules-v2";
  int items = 0;
};

// Writes <dir>/mmgate.yaml, voice.yaml, replies.gram and data/ (items.jsonl,
// media/), replacing data/ as a whole. `small`: fewer items.
Result<VoicePipeline> BuildVoicePipeline(const std::string& dir, uint64_t seed,
                                         bool small);

}  // namespace mmgate::demo

#endif  // MMGATE_DEMO_VOICE_PIPELINE_H_

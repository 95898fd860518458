#include "store/records.h"

namespace mmgate::store {

std::string_view RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kFinished:
      return "finished";
    case RunStatus::kInterrupted:
      return "interrupted";
  }
  return "running";
}

std::string_view ResponseKindName(ResponseKind kind) {
  switch (kind) {
    case ResponseKind::kRepeat:
      return "repeat";
    case ResponseKind::kJudge:
      return "judge";
    case ResponseKind::kStage:
      return "stage";
  }
  return "repeat";
}

}  // namespace mmgate::store

#include "model/model.h"

namespace mmgate {

void Model::Issue(const ModelRequest& request, CompletionFn done) {
  Result<ModelResponse> response = Answer(request);
  done(Completion{std::move(response), TakeAttempts()});
}

}  // namespace mmgate

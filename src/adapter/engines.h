// Constructors of the providers CreateModel dispatches to (factory.h).
#ifndef MMGATE_ADAPTER_ENGINES_H_
#define MMGATE_ADAPTER_ENGINES_H_

#include <memory>

#include "adapter/factory.h"

namespace mmgate::adapter {

Result<std::unique_ptr<Model>> CreateTesseractModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> CreatePocketSphinxModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> CreateExecModel(const ModelSpec& spec);
// Speech synthesis: the answer is the text, the audio an output medium.
Result<std::unique_ptr<Model>> CreateEspeakModel(const ModelSpec& spec);
// A keyword-rule text step (the voice pipeline's reasoning stage).
Result<std::unique_ptr<Model>> CreateRulesModel(const ModelSpec& spec);
// Its sub-models are made in `env`.
Result<std::unique_ptr<Model>> CreateRouteModel(const ModelSpec& spec,
                                                const ModelEnv& env);

// The local evidence judge (rules_judge.cc); readings are shared through
// env.shared.
Result<std::unique_ptr<Model>> CreateRulesJudgeModel(const ModelSpec& spec,
                                                     const ModelEnv& env);

// The first medium of `type` in the request, or an error naming the item.
Result<const MediaRef*> FirstMedium(const ModelRequest& request,
                                    const std::string& type);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_ENGINES_H_

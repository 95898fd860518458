// provider: route — one sub-model per modality; each request goes to the
// model of its modality.
#include <fmt/format.h>

#include <map>

#include "adapter/engines.h"
#include "adapter/params.h"

namespace mmgate::adapter {
namespace {

class RouteModel final : public Model {
 public:
  RouteModel(std::string name,
             std::map<std::string, std::shared_ptr<Model>> routes)
      : name_(std::move(name)), routes_(std::move(routes)) {
    for (const auto& [modality, model] : routes_) {
      if (!version_.empty()) version_ += "; ";
      version_ += modality + "=" + model->Version();
    }
  }

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    auto it = routes_.find(request.modality);
    if (it == routes_.end()) {
      return Status::Invalid(
          fmt::format("item {}: model {} has no route for modality {}",
                      request.item_id, name_, request.modality));
    }
    return it->second->Answer(request);
  }

  void Issue(const ModelRequest& request, CompletionFn done) override {
    auto it = routes_.find(request.modality);
    if (it == routes_.end()) {
      Model::Issue(request, std::move(done));  // Answer() names the error
      return;
    }
    it->second->Issue(request, std::move(done));
  }

 private:
  std::string name_;
  std::map<std::string, std::shared_ptr<Model>> routes_;
  std::string version_;
};

Result<ModelSpec> SubSpec(const ModelSpec& route, const std::string& modality,
                          const nlohmann::json& json) {
  const std::string where =
      fmt::format("{}: routes.{}", ModelLabel(route), modality);
  if (!json.is_object()) {
    return Status::Invalid(where + ": must be a model spec map");
  }
  auto provider = json.find("provider");
  if (provider == json.end() || !provider->is_string()) {
    return Status::Invalid(where + ": has no provider");
  }
  ModelSpec sub;
  sub.provider = provider->get<std::string>();
  if (sub.provider == "route") {
    return Status::Invalid(where + ": a route cannot lead to another route");
  }
  auto name = json.find("name");
  sub.name = name != json.end() && name->is_string()
                 ? name->get<std::string>()
                 : route.name + "." + modality;
  sub.params = json;
  sub.params.erase("provider");
  sub.params.erase("name");
  sub.base_dir = route.base_dir;
  return sub;
}

}  // namespace

Result<std::unique_ptr<Model>> CreateRouteModel(const ModelSpec& spec,
                                                const ModelEnv& env) {
  MMGATE_RETURN_IF_ERROR(CheckKeys(spec, {"routes"}));
  auto routes = spec.params.find("routes");
  if (routes == spec.params.end() || !routes->is_object() || routes->empty()) {
    return Status::Invalid(ModelLabel(spec) +
                           ": key 'routes' must map modalities to models");
  }
  // Modalities routed to the same model share one instance (one Tesseract
  // for image, document, table and chart); the route model is used by one
  // thread at a time, so its sub-models are too.
  std::map<std::string, std::shared_ptr<Model>> by_spec;
  std::map<std::string, std::shared_ptr<Model>> by_modality;
  for (const auto& [modality, json] : routes->items()) {
    Result<ModelSpec> sub = SubSpec(spec, modality, json);
    if (!sub.ok()) return sub.status();
    std::string key = json.dump();
    auto& model = by_spec[key];
    if (!model) {
      Result<std::unique_ptr<Model>> made = CreateModel(*sub, env);
      if (!made.ok()) {
        return made.status().WithContext(
            fmt::format("{}: routes.{}", ModelLabel(spec), modality));
      }
      model = std::move(*made);
    }
    by_modality[modality] = model;
  }
  return std::unique_ptr<Model>(
      new RouteModel(spec.name, std::move(by_modality)));
}

}  // namespace mmgate::adapter

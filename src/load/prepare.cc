#include "load/prepare.h"

#include <fmt/format.h>

#include <algorithm>

#include "adapter/remote_models.h"
#include "remote/curl_transport.h"
#include "runner/caps.h"

namespace mmgate::load {
namespace {

std::unique_ptr<remote::Wire> WireFor(const std::string& provider) {
  if (provider == "anthropic") return remote::MakeAnthropicWire();
  if (provider == "gemini") return remote::MakeGeminiWire();
  return remote::MakeOpenAIWire();
}

Result<std::vector<LoadItem>> PickItems(const ProjectConfig& project,
                                        const std::vector<std::string>& names) {
  std::vector<LoadItem> out;
  for (const std::string& n : names) {
    bool found = std::any_of(project.suites.begin(), project.suites.end(),
                             [&](const Suite& s) { return s.name == n; });
    if (!found) return Status::Invalid(fmt::format("no suite named '{}'", n));
  }
  for (const Suite& s : project.suites) {
    if (!names.empty() &&
        std::find(names.begin(), names.end(), s.name) == names.end())
      continue;
    for (const Item& it : s.items) out.push_back({&s, &it});
  }
  if (out.empty())
    return Status::Invalid("no items to send: the chosen suites are empty");
  return out;
}

}  // namespace

bool IsLoopback(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  std::string rest = url.substr(scheme + 3);
  size_t at = rest.find('@');
  size_t slash = rest.find('/');
  if (at != std::string::npos && (slash == std::string::npos || at < slash))
    rest = rest.substr(at + 1);
  if (rest.rfind("[::1]", 0) == 0) return true;
  std::string host = rest.substr(0, rest.find_first_of(":/"));
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

Result<Prepared> Prepare(const ProjectConfig& project,
                         const LoadOptions& options, Clock* clock) {
  auto spec_it = project.models.find(options.model);
  if (spec_it == project.models.end())
    return Status::Invalid(
        fmt::format("no model named '{}' in {}", options.model, project.path));
  auto settings = adapter::ParseRemoteSpec(spec_it->second);
  if (!settings.ok()) {
    return Status::Invalid(fmt::format(
        "{} (load sends over HTTP: serve local engines with `mmgate serve "
        "--engines` and point an openai model at it)",
        settings.status().message()));
  }
  remote::WireConfig wire = settings->wire;
  if (!options.allow_remote && !IsLoopback(wire.base_url)) {
    return Status::Invalid(fmt::format(
        "model {}: base_url {} is not on this machine; a load run sends many "
        "billed requests: pass --allow-remote to do so",
        options.model, wire.base_url));
  }
  if (options.stream) wire.stream = true;
  auto profile = ParseProfile(options.profile);
  if (!profile.ok()) return profile.status();
  auto schedule = MakeSchedule(*profile, options.limits);
  if (!schedule.ok()) return schedule.status();
  auto items = PickItems(project, options.suites);
  if (!items.ok()) return items.status();

  Prepared p;
  p.schedule = std::move(*schedule);
  p.model_version = settings->version;
  p.base_url = wire.base_url;
  auto wire_format = WireFor(settings->provider);
  std::vector<remote::HttpRequest> requests;
  double timeout_s = options.timeout_s > 0
                         ? options.timeout_s
                         : settings->attempt_timeout.count() / 1000.0;
  for (const LoadItem& li : *items) {
    const Item& it = *li.item;
    std::string over = runner::CapViolation(
        it, runner::CapsFor(project.caps, it.modality, options.caps));
    if (!over.empty()) {
      p.over_cap.push_back(li);
      p.over_cap_reasons.push_back(li.suite->name + ": " + over);
      continue;
    }
    ModelRequest req{it.id, it.modality, it.prompt, it.media};
    auto built = wire_format->Build(req, wire);
    if (!built.ok()) {
      p.skipped.push_back(fmt::format("{}/{}: {}", li.suite->name, it.id,
                                      built.status().message()));
      continue;
    }
    built->timeout =
        std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
    requests.push_back(std::move(*built));
    p.items.push_back(li);
    p.ids.push_back(li.suite->name + "/" + it.id);
  }
  if (requests.empty()) {
    return Status::Invalid(
        "no item could be built into a request: " +
        (p.skipped.empty() ? p.over_cap_reasons.front() : p.skipped.front()));
  }
  if (wire.stream) {
    p.asio_unfit = "streamed answers are read by libcurl";
  } else {
    auto target = MakeAsioTarget(requests);
    if (target.ok())
      p.asio = std::move(*target);
    else
      p.asio_unfit = target.status().message();
  }
  p.asio_wire = WireFor(settings->provider);
  p.provider = settings->provider;
  p.wire = wire;
  std::vector<std::shared_ptr<remote::Transport>> transports;
  remote::CurlOptions curl;
  curl.max_host_connections = options.connections;
  curl.max_total_connections = options.connections;
  for (int i = 0; i < std::max(1, options.event_loops); ++i)
    transports.push_back(remote::MakeCurlTransport(curl));
  HttpSenderOptions so;
  so.keep_answers = options.keep_answers;
  p.sender =
      std::make_unique<HttpSender>(std::move(requests), std::move(wire_format),
                                   wire, std::move(transports), clock, so);
  return p;
}

Result<std::unique_ptr<Runner>> MakeRunner(Prepared* p,
                                           const LoadOptions& options,
                                           const DriverOptions& driver,
                                           Clock* clock, Sleeper* sleeper,
                                           std::string* client) {
  if (options.client != "auto" && options.client != "curl" &&
      options.client != "asio") {
    return Status::Invalid(fmt::format(
        "--client {}: expected auto, curl or asio", options.client));
  }
  std::string unfit = p->asio_unfit;
  if (driver.max_in_flight > 0)
    unfit = "a concurrency cap is paced by the libcurl driver";
  if (options.client == "asio" && !unfit.empty())
    return Status::Invalid("--client asio: " + unfit);
  if (options.client == "curl" || !unfit.empty() || !p->asio) {
    *client = "curl";
    return std::unique_ptr<Runner>(
        std::make_unique<Driver>(clock, sleeper, p->sender.get(), driver));
  }
  AsioOptions ao;
  ao.threads = std::max(1, options.event_loops);
  ao.connections =
      static_cast<int>(std::clamp<long>(options.connections, 1, 1 << 16));
  ao.max_requests = driver.max_requests;
  ao.max_lag = driver.max_lag;
  ao.drain = driver.drain;
  ao.stop_drain = driver.stop_drain;
  ao.stop = driver.stop;
  ao.keep_answers = options.keep_answers;
  ao.openai_chat = p->provider == "openai";
  *client = "asio";
  return std::unique_ptr<Runner>(std::make_unique<AsioDriver>(
      clock, std::move(*p->asio), std::move(p->asio_wire), p->wire, ao));
}

}  // namespace mmgate::load

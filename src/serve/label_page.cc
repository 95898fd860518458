#include "serve/label_page.h"

#include <fmt/format.h>
#include <httplib.h>

#include <filesystem>

#include "common/files.h"
#include "common/json_input.h"
#include "judge/labeling.h"
#include "serve/listen.h"
#include "store/store.h"

namespace mmgate::serve {
namespace {

using nlohmann::json;

constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; connect-src 'self'; img-src "
    "'self'; media-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

bool Loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

void Headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

void SendJson(httplib::Response& res, int status, const json& j) {
  Headers(res);
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& what) {
  SendJson(res, status, {{"error", what}});
}

std::string MediaType(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(c));
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".webp") return "image/webp";
  if (ext == ".gif") return "image/gif";
  if (ext == ".wav") return "audio/wav";
  if (ext == ".mp3") return "audio/mpeg";
  if (ext == ".flac") return "audio/flac";
  if (ext == ".ogg" || ext == ".opus") return "audio/ogg";
  return "application/octet-stream";
}

class LabelServer {
 public:
  LabelServer(const LabelPageOptions& opt, judge::LabelQueue queue)
      : opt_(opt), queue_(std::move(queue)), tasks_(queue_.tasks) {}

  void Install(httplib::Server* s) {
    s->set_pre_routing_handler([this](const auto& req, auto& res) {
      return Authorized(req) ? httplib::Server::HandlerResponse::Unhandled
                             : (SendError(res, 401, "token required"),
                                httplib::Server::HandlerResponse::Handled);
    });
    s->Get("/", [](const auto&, auto& res) {
      Headers(res);
      res.set_content(LabelPageHtml(), "text/html; charset=utf-8");
    });
    // No icon: answered so the browser logs no failed request.
    s->Get("/favicon.ico", [](const auto&, auto& res) { res.status = 204; });
    s->Get("/label.js", [](const auto&, auto& res) {
      Headers(res);
      res.set_content(LabelPageScript(), "text/javascript; charset=utf-8");
    });
    s->Get("/api/tasks",
           [this](const auto& req, auto& res) { Tasks(req, res); });
    s->Get(R"(/media/(\d+)/(\d+))",
           [this](const auto& req, auto& res) { Media(req, res); });
    s->Post("/api/label", [this](const auto& req, auto& res) {
      if (SameOrigin(req, res)) Label(req, res, false);
    });
    s->Post("/api/undo", [this](const auto& req, auto& res) {
      if (SameOrigin(req, res)) Label(req, res, true);
    });
    s->Get("/api/stats", [this](const auto&, auto& res) { Stats(res); });
  }

 private:
  bool Authorized(const httplib::Request& req) const {
    if (opt_.token.empty()) return true;
    return req.get_header_value("X-Mmgate-Token") == opt_.token ||
           req.get_param_value("token") == opt_.token;
  }

  // A write must come from the page itself: JSON, with an Origin that is
  // this server's (browsers always send Origin on a cross-site POST).
  bool SameOrigin(const httplib::Request& req, httplib::Response& res) const {
    const std::string origin = req.get_header_value("Origin");
    const std::string host = req.get_header_value("Host");
    if (origin.empty() || origin != "http://" + host) {
      SendError(res, 403, "cross-origin write refused");
      return false;
    }
    if (req.get_header_value("Content-Type").rfind("application/json", 0) !=
        0) {
      SendError(res, 415, "labels are sent as application/json");
      return false;
    }
    return true;
  }

  // The grade as the page offers it, for a stored one (a blinded
  // comparison stores "new" for the page's "A" or "B").
  static std::string Shown(const judge::LabelTask& t,
                           const std::string& stored) {
    for (const auto& [shown, as] : t.store_as)
      if (as == stored) return shown;
    return stored;
  }

  std::string Grader(const httplib::Request& req) const {
    std::string g = req.get_param_value("grader");
    return g.empty() ? opt_.grader : g;
  }

  void Tasks(const httplib::Request& req, httplib::Response& res) {
    auto store = store::OpenStore(opt_.db);
    if (!store.ok()) return SendError(res, 500, store.status().message());
    const std::string grader = Grader(req);
    auto labels = (*store)->ListLabels({"", "", "", grader});
    if (!labels.ok()) return SendError(res, 500, labels.status().message());
    std::map<std::string, const store::LabelRecord*> mine;
    std::vector<store::LabelRecord> current = judge::Current(*labels);
    for (const store::LabelRecord& l : current)
      mine[l.suite + "/" + l.item_id + "/" + l.run_id] = &l;
    json tasks = json::array();
    for (size_t i = 0; i < tasks_.size(); ++i) {
      json t = judge::TaskJson(tasks_[i], i);
      auto l = mine.find(tasks_[i].key);
      if (l != mine.end())
        t["label"] = {{"grade", Shown(tasks_[i], l->second->grade)},
                      {"failure_modes", l->second->failure_modes},
                      {"note", l->second->note}};
      tasks.push_back(std::move(t));
    }
    SendJson(res, 200, {{"grader", grader}, {"tasks", tasks}});
  }

  void Media(const httplib::Request& req, httplib::Response& res) {
    size_t i = std::stoul(req.matches[1].str());
    size_t n = std::stoul(req.matches[2].str());
    if (i >= tasks_.size() || n >= tasks_[i].item->media.size())
      return SendError(res, 404, "no such medium");
    const MediaRef& m = tasks_[i].item->media[n];
    auto bytes = ReadFile(m.abs_path);
    if (!bytes.ok()) return SendError(res, 404, bytes.status().message());
    Headers(res);
    res.set_content(*bytes, MediaType(m.abs_path));
  }

  void Label(const httplib::Request& req, httplib::Response& res, bool undo) {
    auto body = ParseJsonInput(req.body);
    if (!body.ok() || !body->is_object() ||
        !(*body)["index"].is_number_unsigned())
      return SendError(res, 400,
                       "expected {index, grade, failure_modes, note}");
    size_t i = (*body)["index"].get<size_t>();
    if (i >= tasks_.size()) return SendError(res, 404, "no such task");
    const judge::LabelTask& t = tasks_[i];
    const judge::Rubric& r = *t.rubric;
    store::LabelRecord l;
    l.run_id = t.run_id;
    l.suite = t.suite->name;
    l.item_id = t.item->id;
    l.content_hash = t.item->content_hash;
    l.grader = body->value("grader", opt_.grader);
    if (l.grader.empty()) l.grader = opt_.grader;
    l.created_ms = opt_.clock->WallMillis();
    if (undo) {
      l.grade = judge::kWithdrawn;
    } else {
      l.grade = body->value("grade", "");
      if (!r.GradeIndex(l.grade))
        return SendError(res, 400, "grade is not on the rubric's scale");
      if (auto as = t.store_as.find(l.grade); as != t.store_as.end())
        l.grade = as->second;
      for (const json& m : body->value("failure_modes", json::array())) {
        if (!m.is_string() || !r.HasFailureMode(m.get<std::string>()))
          return SendError(res, 400, "unknown failure mode");
        l.failure_modes.push_back(m.get<std::string>());
      }
      l.note = body->value("note", "");
    }
    auto store = store::OpenStore(opt_.db);
    if (!store.ok()) return SendError(res, 500, store.status().message());
    auto id = (*store)->PutLabel(l);
    if (!id.ok()) return SendError(res, 500, id.status().message());
    SendJson(res, 200, {{"label_id", *id}});
  }

  void Stats(httplib::Response& res) {
    auto store = store::OpenStore(opt_.db);
    if (!store.ok()) return SendError(res, 500, store.status().message());
    auto g = judge::InterGrader(*opt_.config, store->get());
    if (!g.ok()) return SendError(res, 500, g.status().message());
    json out = json::array();
    for (const judge::GraderAgreement& a : *g)
      out.push_back({{"graders", {a.grader_a, a.grader_b}},
                     {"n", a.n},
                     {"raw_agreement", a.raw},
                     {"kappa_kind", a.kappa_kind},
                     {"kappa", a.kappa ? json(*a.kappa) : json(nullptr)}});
    SendJson(res, 200, {{"pairs", out}});
  }

  const LabelPageOptions& opt_;
  judge::LabelQueue queue_;
  const std::vector<judge::LabelTask>& tasks_;
};

}  // namespace

Status RunLabelPage(const LabelPageOptions& opt) {
  if (!Loopback(opt.host) && opt.token.empty())
    return Status::Invalid("serving labels on " + opt.host +
                           " (beyond loopback) needs a token (--token-env)");
  auto store = store::OpenStore(opt.db);
  if (!store.ok()) return store.status();
  auto queue = opt.queue ? Result<judge::LabelQueue>(std::move(*opt.queue))
                         : judge::BuildQueue(*opt.config, store->get(),
                                             opt.runs, opt.seed);
  if (!queue.ok()) return queue.status();
  if (queue->tasks.empty())
    return Status::Invalid(
        "nothing to label: no judge-scored suite has answers in the given "
        "run(s)");
  store->reset();
  LabelServer labels(opt, std::move(*queue));
  httplib::Server server;
  labels.Install(&server);
  return ListenUntilStopped(&server, opt.host, opt.port, opt.on_listen,
                            opt.stop);
}

}  // namespace mmgate::serve

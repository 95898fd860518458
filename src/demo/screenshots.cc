// Screenshot-like text images: terminal sessions, UI dialogs, browser error
// pages and signs. The reference is every line of text, top to bottom.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "demo/render.h"
#include "demo/sources.h"
#include "demo/vocab.h"

namespace mmgate::demo {
namespace {

using perturb::Rng;

std::vector<std::string> TerminalLines(Rng& rng) {
  static constexpr std::string_view kFiles[] = {"session.cc", "parser.py",
                                                "main.go",    "billing.ts",
                                                "router.rs",  "upload.java"};
  static constexpr std::string_view kDirs[] = {
      "src/auth", "lib/core", "cmd/server", "app/api", "internal/db"};
  static constexpr std::string_view kBranches[] = {
      "main", "feature/login-form", "fix/timeout-retry", "release/2.4"};
  const std::string file(rng.Pick(kFiles));
  const std::string dir(rng.Pick(kDirs));
  switch (rng.Uniform(0, 3)) {
    case 0: {
      const std::string branch(rng.Pick(kBranches));
      return {"$ git status",
              "On branch " + branch,
              "Changes not staged for commit:",
              "modified: " + dir + "/" + file,
              "modified: README.md",
              "no changes added to commit"};
    }
    case 1: {
      const int line = rng.Uniform(12, 480);
      const int col = rng.Uniform(3, 40);
      const int rule = rng.Uniform(5, 60);
      return {"$ make", "g++ -O2 -c main.cc -o main.o",
              fmt::format("main.cc:{}:{}: error: 'config' was not declared",
                          line, col),
              fmt::format("make: *** [Makefile:{}: main.o] Error 1", rule),
              "$"};
    }
    case 2: {
      std::vector<std::string> out = {"$ ping -c 3 10.0.4.17"};
      for (int i = 1; i <= 3; ++i) {
        const int ms = rng.Uniform(80, 420);
        out.push_back(fmt::format(
            "64 bytes from 10.0.4.17: icmp_seq={} ttl=64 time={}.{} ms", i,
            ms / 10, ms % 10));
      }
      out.push_back("3 packets transmitted, 3 received, 0% packet loss");
      return out;
    }
    default: {
      std::vector<std::string> out = {"$ python3 train.py --epochs 4"};
      int loss = rng.Uniform(6500, 7000);
      int acc = rng.Uniform(480, 560);
      for (int e = 1; e <= 4; ++e) {
        out.push_back(fmt::format("Epoch {}/4 - loss: 0.{:04} - acc: 0.{:03}",
                                  e, loss, acc));
        loss -= rng.Uniform(400, 1200);
        acc += rng.Uniform(40, 110);
      }
      out.push_back("Saved model to checkpoints/best.pt");
      return out;
    }
  }
}

Result<ImageSource> Terminal(Rng& rng) {
  const bool dark = rng.Chance(0.7);
  const Font font = rng.Chance(0.5) ? Font::kMono : Font::kLiberationMono;
  const std::vector<std::string> lines = TerminalLines(rng);
  const double width = 1100, line_h = 44, top = 110;
  const double height = top + line_h * lines.size() + 50;
  auto canvas =
      Canvas::Create(static_cast<int>(width), static_cast<int>(height),
                     Hex(dark ? 0x1e1e1e : 0xfafafa));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;
  c.FillRect(0, 0, width, 48, Hex(dark ? 0x3a3a3a : 0xdedede));
  for (int i = 0; i < 3; ++i) {
    static constexpr unsigned kDots[] = {0xff5f56, 0xffbd2e, 0x27c93f};
    c.FillRect(20 + 30 * i, 16, 16, 16, Hex(kDots[i]));
  }
  c.SetFont(font, 26);
  const Rgb text = Hex(dark ? 0xd4d4d4 : 0x1a1a1a);
  const Rgb prompt = Hex(dark ? 0x6fcf6f : 0x1d6b1d);
  for (size_t i = 0; i < lines.size(); ++i) {
    const bool cmd = lines[i].starts_with("$");
    c.Text(30, top + line_h * i, lines[i], cmd ? prompt : text);
  }
  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  ImageSource s;
  s.image = std::move(*pix);
  s.reference = fmt::format("{}", fmt::join(lines, "\n"));
  s.slices = {{"kind", "terminal"}};
  s.difficulty = dark ? Difficulty::kMedium : Difficulty::kEasy;
  return s;
}

Result<ImageSource> Dialog(Rng& rng) {
  struct Spec {
    std::string title;
    std::vector<std::string> message;
    std::vector<std::string> buttons;
  };
  static constexpr std::string_view kDocs[] = {
      "Quarterly Report.xlsx", "Invoice 0417.pdf", "Team Notes.docx",
      "Budget 2026.ods"};
  const std::string doc(rng.Pick(kDocs));
  const int major = rng.Uniform(2, 9);
  const int minor = rng.Uniform(0, 12);
  const int mb = rng.Uniform(12, 480);
  const int files = rng.Uniform(2, 40);
  const std::vector<Spec> specs = {
      {"Save Changes?",
       {"Do you want to save the changes", "made to " + doc + "?"},
       {"Don't Save", "Cancel", "Save"}},
      {"Update Available",
       {fmt::format("Version {}.{}.0 is ready to install.", major, minor),
        fmt::format("The download is {} MB.", mb)},
       {"Later", "Install Now"}},
      {"Delete Files",
       {fmt::format("Permanently delete {} selected files?", files),
        "This action cannot be undone."},
       {"Cancel", "Delete"}},
      {"Connection Lost",
       {"The server stopped responding.", "Check your network and try again."},
       {"Close", "Retry"}},
  };
  const Spec& d = specs[static_cast<size_t>(
      rng.Uniform(0, static_cast<int>(specs.size()) - 1))];
  const Font font = rng.Chance(0.5) ? Font::kSans : Font::kLiberationSans;
  const Font bold =
      font == Font::kSans ? Font::kSansBold : Font::kLiberationSansBold;
  const double width = 960, height = 460;
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0xc9ced6));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;
  const double wx = 60, wy = 40, ww = width - 120, wh = height - 80;
  c.FillRect(wx + 6, wy + 6, ww, wh, Hex(0x9aa1ab));  // shadow
  c.FillRect(wx, wy, ww, wh, Hex(0xf4f4f4));
  c.FillRect(wx, wy, ww, 60, Hex(0x2f5d94));
  c.SetFont(bold, 28);
  c.Text(wx + 24, wy + 41, d.title, Hex(0xffffff));
  c.SetFont(font, 28);
  for (size_t i = 0; i < d.message.size(); ++i) {
    c.Text(wx + 40, wy + 130 + 46 * i, d.message[i], Hex(0x1a1a1a));
  }
  c.SetFont(font, 26);
  double bx = wx + ww - 30;
  for (auto it = d.buttons.rbegin(); it != d.buttons.rend(); ++it) {
    const double bw = c.TextWidth(*it) + 48;
    bx -= bw;
    const bool primary = it == d.buttons.rbegin();
    c.FillRect(bx, wy + wh - 84, bw, 52, Hex(primary ? 0x2f6fd0 : 0xe2e2e2));
    c.StrokeRect(bx, wy + wh - 84, bw, 52, 1, Hex(0x8a8a8a));
    c.Text(bx + 24, wy + wh - 49, *it, Hex(primary ? 0xffffff : 0x1a1a1a));
    bx -= 20;
  }
  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  std::vector<std::string> lines = {d.title};
  lines.insert(lines.end(), d.message.begin(), d.message.end());
  lines.push_back(fmt::format("{}", fmt::join(d.buttons, " ")));
  ImageSource s;
  s.image = std::move(*pix);
  s.reference = fmt::format("{}", fmt::join(lines, "\n"));
  s.slices = {{"kind", "dialog"}};
  s.difficulty = Difficulty::kEasy;
  return s;
}

Result<ImageSource> ErrorPage(Rng& rng) {
  const std::string id =
      fmt::format("{:08x}", static_cast<uint32_t>(rng.Next()));
  const int order = rng.Uniform(1000, 99999);
  const std::string host = fmt::format("shop{}.example.com", rng.Uniform(1, 9));
  std::vector<std::string> lines;
  switch (rng.Uniform(0, 2)) {
    case 0:
      lines = {"404 Not Found",
               fmt::format("The page /orders/{} could not be found.", order),
               "It may have been moved or deleted.", "Request ID: " + id};
      break;
    case 1:
      lines = {"This site can't be reached",
               "Check if there is a typo in " + host + ".",
               "DNS_PROBE_FINISHED_NXDOMAIN", "Request ID: " + id};
      break;
    default:
      lines = {"503 Service Unavailable", "The server is temporarily busy.",
               "Please try again in a few minutes.", "Request ID: " + id};
      break;
  }
  const Font font = rng.Chance(0.5) ? Font::kSans : Font::kLiberationSerif;
  const Font bold =
      font == Font::kSans ? Font::kSansBold : Font::kLiberationSerifBold;
  const double width = 1000, height = 520;
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0xffffff));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;
  c.FillRect(0, 0, width, 56, Hex(0xe8eaed));  // browser tab strip
  c.FillRect(140, 12, 700, 32, Hex(0xffffff));
  c.SetFont(bold, 44);
  c.Text(80, 170, lines[0], Hex(0x202124));
  c.SetFont(font, 28);
  for (size_t i = 1; i < lines.size(); ++i) {
    c.Text(80, 250 + 56 * (i - 1), lines[i],
           Hex(i + 1 == lines.size() ? 0x5f6368 : 0x202124));
  }
  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  ImageSource s;
  s.image = std::move(*pix);
  s.reference = fmt::format("{}", fmt::join(lines, "\n"));
  s.slices = {{"kind", "error"}};
  s.difficulty = Difficulty::kMedium;
  return s;
}

Result<ImageSource> Sign(Rng& rng) {
  struct Style {
    unsigned bg, fg;
  };
  static constexpr Style kStyles[] = {{0x1f4e9c, 0xffffff},
                                      {0x1b7a3a, 0xffffff},
                                      {0xc62828, 0xffffff},
                                      {0xf5c518, 0x111111}};
  const int platform = rng.Uniform(1, 12);
  const std::string city(rng.Pick(vocab::kCities));
  const int open_h = rng.Uniform(7, 10);
  const int close_h = rng.Uniform(5, 9);
  const std::vector<std::vector<std::string>> texts = {
      {"NO PARKING", fmt::format("MON - FRI {}AM - {}PM", open_h, close_h)},
      {fmt::format("PLATFORM {}", platform), "TRAINS TO " + city},
      {"FIRE EXIT", "KEEP CLEAR"},
      {"OPEN", fmt::format("{}:00 - {}:30", open_h, close_h + 12)},
      {"CAUTION", "WET FLOOR"},
  };
  const std::vector<std::string>& lines = texts[static_cast<size_t>(
      rng.Uniform(0, static_cast<int>(texts.size()) - 1))];
  const Style& st = rng.Pick(kStyles);
  const double width = 1000, height = 480;
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0x8c8c8c));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;
  c.FillRect(40, 40, width - 80, height - 80, Hex(st.bg));
  c.StrokeRect(60, 60, width - 120, height - 120, 6, Hex(st.fg));
  c.SetFont(Font::kSansBold, 84);
  c.TextCenter(width / 2, 215, lines[0], Hex(st.fg));
  c.SetFont(Font::kSansBold, 52);
  c.TextCenter(width / 2, 330, lines[1], Hex(st.fg));
  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  ImageSource s;
  s.image = std::move(*pix);
  s.reference = fmt::format("{}", fmt::join(lines, "\n"));
  s.slices = {{"kind", "sign"}};
  s.difficulty = Difficulty::kEasy;
  return s;
}

}  // namespace

Result<ImageSource> MakeScreenshot(Rng& rng, int index) {
  auto render = [&]() {
    switch (index % 4) {
      case 0:
        return Terminal(rng);
      case 1:
        return Dialog(rng);
      case 2:
        return ErrorPage(rng);
      default:
        return Sign(rng);
    }
  };
  Result<ImageSource> s = render();
  if (s.ok()) s->prompt = "Read all the text in the image.";
  return s;
}

}  // namespace mmgate::demo

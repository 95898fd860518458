// Invoices, receipts and forms: "Key: Value" lines and receipt rows with
// dotted leaders and right-aligned prices.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "demo/render.h"
#include "demo/sources.h"
#include "demo/vocab.h"

namespace mmgate::demo {
namespace {

using perturb::Rng;

const Rgb kInk = Hex(0x111111);
const Rgb kGrey = Hex(0x555555);
const Rgb kRule = Hex(0x999999);

ImageSource Ask(Rng& rng, const std::vector<Fact>& facts) {
  const Fact& f = rng.Pick(facts);
  ImageSource s;
  s.prompt = fmt::format("What is the {}?", f.key);
  s.reference = f.value;
  s.evidence = {f.line};
  return s;
}

Result<ImageSource> Invoice(Rng& rng) {
  const bool serif = rng.Chance(0.5);
  const Font body = serif ? Font::kLiberationSerif : Font::kSans;
  const Font bold = serif ? Font::kLiberationSerifBold : Font::kSansBold;
  const std::string company(rng.Pick(vocab::kCompanies));
  const int street_no = rng.Uniform(2, 480);
  const std::string street(rng.Pick(vocab::kStreets));
  const std::string city(rng.Pick(vocab::kCities));
  const std::string phone = vocab::Phone(rng);
  const int n_items = rng.Uniform(3, 5);
  const double width = 1100;
  const double m = 70;
  const double height = 960 + 50 * n_items;
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0xffffff));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;

  c.SetFont(bold, 44);
  c.Text(m, 110, company, kInk);
  c.SetFont(bold, 58);
  c.TextRight(width - m, 112, "INVOICE", Hex(0x1f3a68));
  c.SetFont(body, 26);
  c.Text(m, 155, fmt::format("{} {}", street_no, street), kGrey);
  c.Text(m, 190, city, kGrey);
  c.Text(m, 225, "Tel: " + phone, kGrey);
  c.Line(m, 260, width - m, 260, 2, kRule);

  const int serial = rng.Uniform(100, 9999);
  const vocab::DateParts issued = vocab::RandomDate(rng, 2024, 2026);
  const int date_style = rng.Uniform(0, 3);
  const int terms = rng.Chance(0.5) ? 30 : 15;
  std::vector<Fact> header = {
      {"Invoice Number", fmt::format("INV-{}-{:04}", issued.year, serial), ""},
      {"Invoice Date", vocab::FormatDate(issued, date_style), ""},
      {"Due Date",
       vocab::FormatDate(vocab::AddDays(issued, terms == 30 ? 28 : 14),
                         date_style),
       ""},
      {"Customer", std::string(rng.Pick(vocab::kCompanies)), ""},
      {"PO Number", fmt::format("PO-{}", rng.Uniform(10000, 99999)), ""},
      {"Payment Terms", fmt::format("Net {}", terms), ""},
  };
  if (header[3].value == company) header[3].value = "Brookside Health Trust";
  double y = 320;
  for (Fact& f : header) {
    f.line = f.key + ": " + f.value;
    c.SetFont(bold, 28);
    const double kw = c.Text(m, y, f.key + ":", kInk);
    c.SetFont(body, 28);
    c.Text(m + std::max(kw + 16, 270.0), y, f.value, kInk);
    y += 48;
  }

  // Line items: a small table, not asked about (the totals are).
  y += 30;
  c.FillRect(m, y, width - 2 * m, 50, Hex(0xe8edf4));
  c.SetFont(bold, 26);
  const double qty_x = 640, unit_x = 830, amount_x = width - m - 14;
  c.Text(m + 14, y + 34, "Description", kInk);
  c.TextRight(qty_x, y + 34, "Qty", kInk);
  c.TextRight(unit_x, y + 34, "Unit Price", kInk);
  c.TextRight(amount_x, y + 34, "Amount", kInk);
  y += 50;
  c.SetFont(body, 26);
  double subtotal = 0;
  std::vector<int> picks =
      rng.Distinct(static_cast<int>(std::size(vocab::kServices)), n_items);
  for (int p : picks) {
    const int qty = rng.Uniform(1, 12);
    const double unit = rng.Uniform(450, 48000) / 100.0;
    subtotal += qty * unit;
    c.Text(m + 14, y + 36, vocab::kServices[static_cast<size_t>(p)], kInk);
    c.TextRight(qty_x, y + 36, std::to_string(qty), kInk);
    c.TextRight(unit_x, y + 36, vocab::Money(unit), kInk);
    c.TextRight(amount_x, y + 36, vocab::Money(qty * unit), kInk);
    y += 50;
    c.Line(m, y, width - m, y, 1, Hex(0xcccccc));
  }

  const int tax_pct = rng.Pick(std::vector<int>{5, 7, 8, 10, 20});
  const double tax = std::round(subtotal * tax_pct) / 100.0;
  std::vector<Fact> totals = {
      {"Subtotal", vocab::Money(subtotal), ""},
      {"Sales Tax", vocab::Money(tax), ""},
      {"Total Due", vocab::Money(subtotal + tax), ""},
  };
  y += 60;
  for (Fact& f : totals) {
    f.line = f.key + ": " + f.value;
    const bool last = f.key == "Total Due";
    c.SetFont(last ? bold : body, 28);
    c.TextRight(width - m - 260, y, f.key + ":", kInk);
    c.TextRight(width - m - 14, y, f.value, kInk);
    y += 48;
  }
  c.SetFont(body, 22);
  c.Text(m, height - 50,
         "Thank you for your business. Please quote the invoice number with "
         "payment.",
         kGrey);

  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  std::vector<Fact> facts = header;
  facts.insert(facts.end(), totals.begin(), totals.end());
  ImageSource s = Ask(rng, facts);
  s.image = std::move(*pix);
  s.slices = {{"doc_type", "invoice"}};
  s.difficulty = Difficulty::kMedium;
  return s;
}

Result<ImageSource> Receipt(Rng& rng) {
  const bool dejavu = rng.Chance(0.5);
  const Font mono = dejavu ? Font::kMono : Font::kLiberationMono;
  const Font mono_bold = dejavu ? Font::kMonoBold : Font::kLiberationMonoBold;
  const std::string store(rng.Pick(vocab::kStores));
  const int street_no = rng.Uniform(2, 480);
  const std::string street(rng.Pick(vocab::kStreets));
  const std::string city(rng.Pick(vocab::kCities));
  const int n_items = rng.Uniform(4, 7);
  const bool cash = rng.Chance(0.5);
  const int n_totals = cash ? 5 : 4;
  const double width = 800, m = 60;
  const double height = 540 + 46 * (n_items + n_totals);
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0xfdfdf8));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;

  c.SetFont(mono_bold, 40);
  c.TextCenter(width / 2, 100, store, kInk);
  c.SetFont(mono, 26);
  c.TextCenter(width / 2, 145,
               fmt::format("{} {}, {}", street_no, street, city), kInk);

  const std::string hour = fmt::format("{:02}", rng.Uniform(7, 21));
  const std::string minute = fmt::format("{:02}", rng.Uniform(0, 59));
  std::vector<Fact> header = {
      {"Receipt No", fmt::format("{:06}", rng.Uniform(1, 999999)), ""},
      {"Date", vocab::Date(rng), ""},
      {"Time", hour + ":" + minute, ""},
      {"Cashier", std::string(rng.Pick(vocab::kFirstNames)), ""},
  };
  double y = 215;
  c.SetFont(mono, 28);
  for (Fact& f : header) {
    f.line = f.key + ": " + f.value;
    c.Text(m, y, f.line, kInk);
    y += 44;
  }
  c.Line(m, y - 14, width - m, y - 14, 2, kInk);
  y += 30;

  // "<Key> ..... <Value>": dots fill the gap up to the right-aligned price.
  auto row = [&](const std::string& key, const std::string& value,
                 bool strong) {
    c.SetFont(strong ? mono_bold : mono, 28);
    const double kw = c.Text(m, y, key, kInk);
    const double vw = c.TextRight(width - m, y, value, kInk);
    const double dot = c.TextWidth(".");
    const int dots =
        static_cast<int>((width - 2 * m - kw - vw - 2 * dot) / dot);
    if (dots > 2)
      c.Text(m + kw + dot, y, std::string(static_cast<size_t>(dots), '.'),
             kInk);
    y += 46;
    return Fact{key, value, key + " " + std::string(3, '.') + " " + value};
  };
  std::vector<Fact> facts = header;
  double subtotal = 0;
  for (int p :
       rng.Distinct(static_cast<int>(std::size(vocab::kGroceries)), n_items)) {
    const double price = rng.Uniform(49, 1899) / 100.0;
    subtotal += price;
    facts.push_back(row(std::string(vocab::kGroceries[static_cast<size_t>(p)]),
                        fmt::format("{:.2f}", price), false));
  }
  c.Line(m, y - 16, width - m, y - 16, 2, kInk);
  y += 20;
  const double tax = std::round(subtotal * 8.25) / 100.0;
  const double total = subtotal + tax;
  facts.push_back(row("Subtotal", fmt::format("{:.2f}", subtotal), false));
  facts.push_back(row("Tax", fmt::format("{:.2f}", tax), false));
  facts.push_back(row("Total", fmt::format("{:.2f}", total), true));
  if (cash) {
    const double paid = std::ceil(total / 10.0) * 10.0;
    facts.push_back(row("Cash", fmt::format("{:.2f}", paid), false));
    facts.push_back(row("Change", fmt::format("{:.2f}", paid - total), false));
  } else {
    facts.push_back(row("Card", fmt::format("{:.2f}", total), false));
  }
  c.SetFont(mono, 26);
  c.TextCenter(width / 2, height - 60, "THANK YOU FOR SHOPPING WITH US", kInk);

  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  ImageSource s = Ask(rng, facts);
  s.image = std::move(*pix);
  s.slices = {{"doc_type", "receipt"}};
  s.difficulty = Difficulty::kMedium;
  return s;
}

Result<ImageSource> Form(Rng& rng) {
  static constexpr std::string_view kTitles[] = {
      "Patient Registration Form", "Membership Application",
      "Change of Address Request", "Vehicle Service Request",
      "Library Card Application",
  };
  const bool liberation = rng.Chance(0.5);
  const Font body = liberation ? Font::kLiberationSans : Font::kSerif;
  const Font bold = liberation ? Font::kLiberationSansBold : Font::kSerifBold;
  const std::string title(rng.Pick(kTitles));
  const std::string first(rng.Pick(vocab::kFirstNames));
  const std::string last(rng.Pick(vocab::kLastNames));
  std::string lower_first = first, lower_last = last;
  std::transform(lower_first.begin(), lower_first.end(), lower_first.begin(),
                 ::tolower);
  std::transform(lower_last.begin(), lower_last.end(), lower_last.begin(),
                 ::tolower);
  const int street_no = rng.Uniform(2, 480);
  const std::string street(rng.Pick(vocab::kStreets));
  const vocab::DateParts born = vocab::RandomDate(rng, 1950, 2005);
  const std::string birth = vocab::FormatDate(born, rng.Uniform(0, 3));
  // Braced lists evaluate their elements in order, so the draws below are
  // sequenced.
  std::vector<std::vector<Fact>> sections = {
      {{"Full Name", first + " " + last, ""},
       {"Date of Birth", birth, ""},
       {"Phone", vocab::Phone(rng), ""},
       {"Email", fmt::format("{}.{}@example.com", lower_first, lower_last),
        ""}},
      {{"Street Address", fmt::format("{} {}", street_no, street), ""},
       {"City", std::string(rng.Pick(vocab::kCities)), ""},
       {"Postcode", fmt::format("{:05}", rng.Uniform(10000, 99999)), ""}},
      {{"Reference No", fmt::format("REF-{:05}", rng.Uniform(1, 99999)), ""},
       {"Date Received", vocab::Date(rng), ""}},
  };
  static constexpr std::string_view kSections[] = {"Personal Details",
                                                   "Address", "For Office Use"};
  const double width = 1000, m = 60;
  const double height = 1120;
  auto canvas = Canvas::Create(static_cast<int>(width),
                               static_cast<int>(height), Hex(0xffffff));
  if (!canvas.ok()) return canvas.status();
  Canvas& c = *canvas;
  c.SetFont(bold, 40);
  c.TextCenter(width / 2, 95, title, kInk);
  c.SetFont(body, 22);
  c.TextCenter(width / 2, 135,
               "Please complete all fields in block capitals where possible.",
               kGrey);

  double y = 190;
  std::vector<Fact> facts;
  for (size_t si = 0; si < sections.size(); ++si) {
    const double top = y;
    c.SetFont(bold, 28);
    c.Text(m + 20, y + 42, kSections[si], Hex(0x1f3a68));
    y += 100;
    for (Fact& f : sections[si]) {
      f.line = f.key + ": " + f.value;
      c.SetFont(bold, 28);
      c.Text(m + 30, y, f.key + ":", kInk);
      c.SetFont(body, 28);
      c.Text(m + 300, y, f.value, kInk);
      c.Line(m + 290, y + 10, width - m - 30, y + 10, 1, kRule);
      y += 58;
      facts.push_back(f);
    }
    y += 10;
    c.StrokeRect(m, top, width - 2 * m, y - top, 2, Hex(0x333333));
    y += 30;
  }
  auto pix = c.ToPix();
  if (!pix.ok()) return pix.status();
  ImageSource s = Ask(rng, facts);
  s.image = std::move(*pix);
  s.slices = {{"doc_type", "form"}};
  s.difficulty = Difficulty::kEasy;
  return s;
}

}  // namespace

const char* DifficultyName(Difficulty d) {
  switch (d) {
    case Difficulty::kEasy:
      return "easy";
    case Difficulty::kMedium:
      return "medium";
    case Difficulty::kHard:
      return "hard";
  }
  return "easy";
}

Result<ImageSource> MakeDocument(Rng& rng, int index) {
  switch (index % 3) {
    case 0:
      return Invoice(rng);
    case 1:
      return Receipt(rng);
    default:
      return Form(rng);
  }
}

}  // namespace mmgate::demo

#include "demo/vocab.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace mmgate::demo::vocab {

std::string Grouped(long value) {
  std::string digits = std::to_string(std::labs(value));
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[static_cast<size_t>(i)];
  }
  return value < 0 ? "-" + out : out;
}

std::string Money(double amount, std::string_view symbol) {
  const long cents = std::lround(amount * 100);
  return fmt::format("{}{}.{:02}", symbol, Grouped(cents / 100), cents % 100);
}

DateParts RandomDate(perturb::Rng& rng, int first_year, int last_year) {
  DateParts d;
  d.year = rng.Uniform(first_year, last_year);
  d.month = rng.Uniform(1, 12);
  d.day = rng.Uniform(1, 28);
  return d;
}

DateParts AddDays(DateParts d, int days) {
  d.day += days;
  if (d.day > 28) {
    d.day -= 28;
    if (++d.month > 12) {
      d.month = 1;
      ++d.year;
    }
  }
  return d;
}

std::string FormatDate(DateParts d, int style) {
  switch (style) {
    case 0:
      return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    case 1:
      return fmt::format("{:02}/{:02}/{:04}", d.month, d.day, d.year);
    case 2:
      return fmt::format("{} {} {}", d.day, kMonthNames[d.month - 1], d.year);
    default:
      return fmt::format("{} {}, {}", kMonths[d.month - 1], d.day, d.year);
  }
}

std::string Date(perturb::Rng& rng) {
  const DateParts d = RandomDate(rng, 2024, 2026);
  return FormatDate(d, rng.Uniform(0, 3));
}

std::string PersonName(perturb::Rng& rng) {
  const std::string_view first = rng.Pick(kFirstNames);
  return fmt::format("{} {}", first, rng.Pick(kLastNames));
}

std::string Phone(perturb::Rng& rng) {
  // One draw per statement: argument evaluation order is unspecified.
  const int area = rng.Uniform(201, 989);
  const int exchange = rng.Uniform(200, 999);
  const int line = rng.Uniform(0, 9999);
  return fmt::format("({:03}) {:03}-{:04}", area, exchange, line);
}

}  // namespace mmgate::demo::vocab

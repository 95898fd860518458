// Picks the block parser copy (kernel.h) for this CPU.
#include "trace/kernel.h"

#include "trace/trace.h"

#if defined(MMGATE_TRACE_HASWELL)
#include <cpuid.h>
#endif

namespace mmgate::trace {
namespace {

// What simdjson's haswell kernel and the copy's -m flags need.
// __builtin_cpu_supports("avx2") also checks that the OS saves AVX state.
bool CpuHasHaswell() {
#if defined(MMGATE_TRACE_HASWELL)
  __builtin_cpu_init();
  unsigned a = 0, b = 0, c = 0, d = 0;
  // LZCNT (CPUID 0x80000001, ECX bit 5): not every compiler's
  // __builtin_cpu_supports knows it.
  const bool lzcnt = __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 5));
  return lzcnt && __builtin_cpu_supports("avx2") &&
         __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt");
#else
  return false;
#endif
}

}  // namespace

ParserIsa BestParserIsa() {
  static const ParserIsa best =
      CpuHasHaswell() ? ParserIsa::kHaswell : ParserIsa::kBaseline;
  return best;
}

std::string_view ParserIsaName(ParserIsa isa) {
  switch (isa) {
    case ParserIsa::kAuto:
      return "auto";
    case ParserIsa::kBaseline:
      return "baseline";
    case ParserIsa::kHaswell:
      return "haswell";
  }
  return "?";
}

namespace internal {

Result<std::unique_ptr<BlockParser>> NewBlockParser(ParserIsa isa) {
  if (isa == ParserIsa::kAuto) isa = BestParserIsa();
  if (isa == ParserIsa::kBaseline) return baseline::NewBlockParser();
#if defined(MMGATE_TRACE_HASWELL)
  if (BestParserIsa() == ParserIsa::kHaswell) return haswell::NewBlockParser();
#endif
  return Status::Invalid(
      "the haswell trace parser needs an x86-64 build and a CPU with AVX2, "
      "BMI1/2, LZCNT, PCLMUL and POPCNT");
}

}  // namespace internal
}  // namespace mmgate::trace

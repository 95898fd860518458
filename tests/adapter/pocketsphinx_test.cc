// provider: pocketsphinx on Debian's pocketsphinx-testdata recordings.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "adapter/factory.h"
#include "media/audio.h"
#include "perturb/audio.h"
#include "test_dir.h"

namespace mmgate {
namespace {

const std::string kData = "/usr/share/pocketsphinx/test/data/";

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    if (w != "<s>" && w != "</s>") out.push_back(w);
  }
  return out;
}

// Utterance id -> reference words, from the sclite-style transcription file.
std::map<std::string, std::vector<std::string>> Transcripts() {
  std::ifstream in(kData + "librivox/transcription");
  std::map<std::string, std::vector<std::string>> out;
  std::regex line(R"((.*)\((\S+)\)\s*)");
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line)) out[m[2]] = Words(m[1]);
  }
  return out;
}

// Reference words that also occur in the hypothesis (as a multiset): a
// recall measure that needs no alignment.
int Found(const std::vector<std::string>& ref,
          const std::vector<std::string>& hyp) {
  std::multiset<std::string> pool(hyp.begin(), hyp.end());
  int found = 0;
  for (const std::string& w : ref) {
    auto it = pool.find(w);
    if (it != pool.end()) {
      ++found;
      pool.erase(it);
    }
  }
  return found;
}

class PocketSphinxTest : public testing::TempDirTest {};

TEST_F(PocketSphinxTest, TranscribesLibrivoxReadSpeech) {
  auto model = CreateDefaultModel({"asr", "pocketsphinx", {}, ""});
  ASSERT_TRUE(model.ok()) << model.status().message();
  auto refs = Transcripts();
  ASSERT_EQ(refs.size(), 5u);
  int total = 0, found = 0;
  for (const auto& [id, ref] : refs) {
    std::string wav = kData + "librivox/" + id + ".wav";
    Result<ModelResponse> r = (*model)->Answer(
        Request("audio", "Transcribe the audio.", "audio", wav));
    ASSERT_TRUE(r.ok()) << r.status().message();
    int hits = Found(ref, Words(r->answer));
    // Every utterance is mostly right; none is empty or garbage.
    EXPECT_GE(hits * 2, static_cast<int>(ref.size()))
        << id << ": " << r->answer;
    total += static_cast<int>(ref.size());
    found += hits;
  }
  // Measured 54 of 71 reference words (76%) with the default en-us models;
  // the worst utterance has 5 of 8.
  EXPECT_GE(found * 100, total * 70) << found << " of " << total;
}

TEST_F(PocketSphinxTest, TranscribesHeaderlessRaw) {
  auto model = CreateDefaultModel({"asr", "pocketsphinx", {}, ""});
  ASSERT_TRUE(model.ok()) << model.status().message();
  Result<ModelResponse> r =
      (*model)->Answer(Request("audio", "", "audio", kData + "goforward.raw"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(Found({"go", "forward", "ten", "meters"}, Words(r->answer)), 3)
      << r->answer;
}

TEST_F(PocketSphinxTest, OneDecoderPerThreadRunsInParallel) {
  const std::string wav =
      kData + "librivox/sense_and_sensibility_01_austen_64kb-0930.wav";
  std::vector<std::string> answers(2);
  std::vector<std::thread> workers;
  for (std::string& answer : answers) {
    workers.emplace_back([&wav, &answer] {
      auto model = CreateDefaultModel({"asr", "pocketsphinx", {}, ""});
      if (!model.ok()) return;
      auto r = (*model)->Answer(Request("audio", "", "audio", wav));
      if (r.ok()) answer = r->answer;
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(answers[0], "he might even have been made the amiable himself");
  EXPECT_EQ(answers[1], answers[0]);
}

// Runner workers take items in whatever order threads finish; an item's
// answer must not depend on what the same decoder heard before it.
TEST_F(PocketSphinxTest, AnswerDoesNotDependOnEarlierUtterances) {
  // Read speech clean, at 5 dB SNR and through GSM: telephone-band and noisy
  // audio are where the decoder's carried-over channel estimate shows.
  std::vector<std::string> wavs;
  uint64_t seed = 1;
  auto gsm = perturb::ParseCodec("gsm8k");
  ASSERT_TRUE(gsm.ok());
  for (const auto& [id, ref] : Transcripts()) {
    if (wavs.size() == 6) break;
    const std::string wav = kData + "librivox/" + id + ".wav";
    auto clean = media::ReadAudioMono(wav, 16000);
    ASSERT_TRUE(clean.ok()) << clean.status().message();
    auto noisy = perturb::AddWhiteNoise(*clean, 5, seed++);
    ASSERT_TRUE(noisy.ok()) << noisy.status().message();
    wavs.push_back(Path(id + "_snr5.wav"));
    ASSERT_TRUE(perturb::WriteWav16(*noisy, wavs.back()).ok());
    wavs.push_back(Path(id + "_gsm.wav"));
    ASSERT_TRUE(perturb::WriteEncoded(*clean, *gsm, wavs.back()).ok());
    wavs.push_back(wav);
  }
  auto decode_all = [&](const std::vector<std::string>& order) {
    auto model = CreateDefaultModel({"asr", "pocketsphinx", {}, ""});
    std::map<std::string, std::string> out;
    if (!model.ok()) return out;
    for (const std::string& wav : order) {
      auto r = (*model)->Answer(Request("audio", "", "audio", wav));
      out[wav] = r.ok() ? r->answer : r.status().message();
    }
    return out;
  };
  std::vector<std::string> reversed(wavs.rbegin(), wavs.rend());
  std::map<std::string, std::string> forward = decode_all(wavs);
  std::map<std::string, std::string> backward = decode_all(reversed);
  ASSERT_EQ(forward.size(), wavs.size());
  for (const std::string& wav : wavs) {
    EXPECT_EQ(forward[wav], backward[wav]) << wav;
  }
}

TEST_F(PocketSphinxTest, ConfigurationChangesTheVersionAndTheDecoder) {
  auto base = CreateDefaultModel({"asr", "pocketsphinx", {}, ""});
  auto same =
      CreateDefaultModel({"asr", "pocketsphinx", {{"beam", "1e-48"}}, ""});
  auto narrow = CreateDefaultModel({"asr",
                                    "pocketsphinx",
                                    {{"beam", 1e-20},
                                     {"wbeam", 1e-10},
                                     {"pbeam", 1e-20},
                                     {"maxhmmpf", 500},
                                     {"fwdflat", false},
                                     {"bestpath", false},
                                     {"lw", 8}},
                                    ""});
  ASSERT_TRUE(base.ok() && same.ok() && narrow.ok())
      << narrow.status().message();
  EXPECT_TRUE((*base)->Version().starts_with("pocketsphinx 5prealpha cfg:"))
      << (*base)->Version();
  EXPECT_EQ((*base)->Version(), (*same)->Version());  // 1e-48 is the default
  EXPECT_NE((*base)->Version(), (*narrow)->Version());
  std::string wav =
      kData + "librivox/sense_and_sensibility_01_austen_64kb-0890.wav";
  auto a = (*base)->Answer(Request("audio", "", "audio", wav));
  auto b = (*narrow)->Answer(Request("audio", "", "audio", wav));
  ASSERT_TRUE(a.ok() && b.ok());
  // A starved search really decodes differently.
  EXPECT_NE(a->answer, b->answer);
}

TEST_F(PocketSphinxTest, ConfigErrors) {
  for (const auto& [params, expected] :
       {std::pair{nlohmann::json{{"samprate", 8000}}, "unknown key 'samprate'"},
        std::pair{nlohmann::json{{"beam", "wide"}}, "key 'beam' must be"},
        std::pair{nlohmann::json{{"fwdflat", 3}}, "key 'fwdflat'"},
        std::pair{nlohmann::json{{"pbeam", 2}}, "key 'pbeam' is a probability"},
        // Wider than 4e-12 would crash the decoder (see the adapter).
        std::pair{nlohmann::json{{"beam", 1e-8}}, "at most 4e-12"},
        std::pair{nlohmann::json{{"hmm", "models/none"}}, "key 'hmm'"},
        std::pair{nlohmann::json{{"dict", "/nonexistent.dict"}},
                  "no such file /nonexistent.dict"}}) {
    auto model = CreateDefaultModel({"asr-base", "pocketsphinx", params, ""});
    ASSERT_FALSE(model.ok()) << params.dump();
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(model.status().message().find("model asr-base (pocketsphinx)"),
              std::string::npos);
    EXPECT_NE(model.status().message().find(expected), std::string::npos)
        << model.status().message();
  }
}

TEST_F(PocketSphinxTest, CorruptAudioIsAnItemError) {
  std::ofstream(Path("empty.wav")).close();
  std::ofstream(Path("notes.wav")) << "not audio";
  auto model = CreateDefaultModel({"asr", "pocketsphinx", {}, ""});
  ASSERT_TRUE(model.ok());
  for (const char* name : {"empty.wav", "notes.wav"}) {
    Result<ModelResponse> r =
        (*model)->Answer(Request("audio", "", "audio", Path(name)));
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(r.status().message().find("item audio-1"), std::string::npos);
    EXPECT_NE(r.status().message().find(name), std::string::npos);
  }
  EXPECT_FALSE((*model)->Answer(Request("audio", "")).ok());
}

}  // namespace
}  // namespace mmgate

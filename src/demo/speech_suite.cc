// The speech suite: short everyday and voice-assistant sentences in every
// demo voice, and human read speech from Debian's pocketsphinx-testdata.
// References are written the way ASR transcripts are: lower case, numbers as
// words, no punctuation.
#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <map>
#include <sstream>

#include "common/files.h"
#include "demo/speech.h"
#include "demo/suites.h"
#include "perturb/audio.h"

namespace mmgate::demo {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 40> kSentences = {
    "set a timer for ten minutes",
    "what is the weather like in boston tomorrow",
    "remind me to call my mother at six",
    "turn off the lights in the kitchen",
    "play some quiet music for the evening",
    "how long does it take to drive to the airport",
    "add milk and bread to my shopping list",
    "wake me up at seven thirty tomorrow morning",
    "what time does the pharmacy close today",
    "send a message to david saying i am running late",
    "turn the heating up by two degrees",
    "cancel my meeting with the design team",
    "how many ounces are in a cup",
    "call the nearest pizza place",
    "read me the latest news headlines",
    "is it going to rain this weekend",
    "schedule a dentist appointment for next tuesday",
    "find a coffee shop near the train station",
    "what is the capital of canada",
    "skip this song and play the next one",
    "lock the front door and close the garage",
    "how do you spell necessary",
    "start my workout playlist",
    "translate thank you very much into spanish",
    "book a table for four at eight tonight",
    "show me photos from last summer",
    "what is on my calendar for friday afternoon",
    "turn down the volume a little bit",
    "order more paper towels from the usual store",
    "how far is the moon from the earth",
    "set the living room temperature to seventy degrees",
    "tell me a joke about cats",
    "pause the movie and turn on the lights",
    "where did i park the car",
    "check my bank balance please",
    "what is a good recipe for chicken soup",
    "open the window blinds in the bedroom",
    "how much traffic is there on the way home",
    "remind me to water the plants every sunday",
    "good night and turn everything off",
};

constexpr const char* kTestData = "/usr/share/pocketsphinx/test/data";

struct Recording {
  const char* file;        // under kTestData
  const char* transcript;  // nullptr: read from `list` by `utt`
  const char* list;
  const char* utt;
  const char* corpus;  // the `voice` slice
  const char* accent;
};

// goforward.raw is the package's "go forward ten meters" command (the
// sentence of its goforward.gram); dhd.2934z.raw follows the TIDIGITS
// naming, where the file name spells the digits (z = zero).
constexpr Recording kRecordings[] = {
    {"librivox/sense_and_sensibility_01_austen_64kb-0870.wav", nullptr,
     "librivox/transcription", "sense_and_sensibility_01_austen_64kb-0870",
     "human-librivox", "unknown"},
    {"cards/001.wav", nullptr, "cards/cards.transcription", "001",
     "human-cards", "us"},
    {"librivox/sense_and_sensibility_01_austen_64kb-0880.wav", nullptr,
     "librivox/transcription", "sense_and_sensibility_01_austen_64kb-0880",
     "human-librivox", "unknown"},
    {"cards/002.wav", nullptr, "cards/cards.transcription", "002",
     "human-cards", "us"},
    {"goforward.raw", "go forward ten meters", nullptr, nullptr,
     "human-goforward", "us"},
    {"tidigits/dhd.2934z.raw", "two nine three four zero", nullptr, nullptr,
     "human-tidigits", "us"},
    {"librivox/sense_and_sensibility_01_austen_64kb-0890.wav", nullptr,
     "librivox/transcription", "sense_and_sensibility_01_austen_64kb-0890",
     "human-librivox", "unknown"},
    {"cards/003.wav", nullptr, "cards/cards.transcription", "003",
     "human-cards", "us"},
    {"librivox/sense_and_sensibility_01_austen_64kb-0920.wav", nullptr,
     "librivox/transcription", "sense_and_sensibility_01_austen_64kb-0920",
     "human-librivox", "unknown"},
    {"cards/004.wav", nullptr, "cards/cards.transcription", "004",
     "human-cards", "us"},
    {"librivox/sense_and_sensibility_01_austen_64kb-0930.wav", nullptr,
     "librivox/transcription", "sense_and_sensibility_01_austen_64kb-0930",
     "human-librivox", "unknown"},
    {"cards/005.wav", nullptr, "cards/cards.transcription", "005",
     "human-cards", "us"},
};

// Telephone-band codecs (GSM, mu-law at 8 kHz) and low-bitrate MP3. MP3 runs
// at 24 kbit/s: at 16 kbit/s LAME's low-pass leaves PocketSphinx's wideband
// model as lost as at 8 kHz, and a middle level is what a gate can compare.
constexpr std::array<const char*, 3> kCodecs = {"codec:gsm8k", "codec:mulaw8k",
                                                "codec:mp3-24k"};
constexpr std::array<const char*, 2> kNoises = {"noise:snr20", "noise:snr10"};

// Sphinx transcription lines: "<s> words </s> (utterance-id)".
Result<std::string> LookUpTranscript(const std::string& list,
                                     const std::string& utt) {
  auto text = ReadFile(list);
  if (!text.ok()) return text.status();
  std::istringstream in(*text);
  std::string line;
  const std::string tail = "(" + utt + ")";
  while (std::getline(in, line)) {
    const size_t open = line.rfind('(');
    if (open == std::string::npos ||
        line.compare(open, std::string::npos, tail) != 0)
      continue;
    std::istringstream words(line.substr(0, open));
    std::string w, out;
    while (words >> w) {
      if (w == "<s>" || w == "</s>") continue;
      out += (out.empty() ? "" : " ") + w;
    }
    if (!out.empty()) return out;
  }
  return Status::NotFound(fmt::format("{}: no transcript for {}", list, utt));
}

struct AudioSlices {
  std::string source, accent, voice;
};

// Slices of one audio item; difficulty follows the degradation.
Slices MakeSlices(const AudioSlices& a, const std::string& spec) {
  std::string codec = "pcm16k", noise = "none", difficulty = "easy";
  if (spec.starts_with("codec:")) {
    codec = spec.substr(6);
    difficulty = codec == "gsm8k" ? "hard" : "medium";
  } else if (spec.starts_with("noise:")) {
    noise = spec.substr(6);
    difficulty = noise == "snr10" ? "hard" : "medium";
  }
  return {{"source", a.source},      {"accent", a.accent},
          {"voice", a.voice},        {"codec", codec},
          {"noise", noise},          {"perturbation", spec},
          {"difficulty", difficulty}};
}

std::string Tag(const std::string& spec) {
  if (spec == "none") return "clean";
  return spec.substr(spec.find(':') + 1);
}

ItemRecord AudioItem(const std::string& id, const std::string& rel,
                     const std::string& reference, Slices slices,
                     const std::string& group) {
  ItemRecord r;
  r.id = id;
  r.modality = "audio";
  r.prompt = "Transcribe the audio.";
  r.media_type = "audio";
  r.media_path = rel;
  r.reference = reference;
  r.metric = "wer";
  r.slices = std::move(slices);
  r.group = group;
  return r;
}

// Writes `variant` of `audio` (16 kHz) and returns its item line.
Result<std::string> WriteVariant(const media::Audio& audio,
                                 const std::string& group,
                                 const std::string& spec,
                                 const std::string& reference,
                                 const AudioSlices& a,
                                 const std::string& data_dir, uint64_t seed) {
  const std::string id = group + "-" + Tag(spec);
  auto op = perturb::ParseAudioOp(spec);
  if (!op.ok()) return op.status().WithContext(id);
  const std::string rel =
      fmt::format("media/{}.{}", id, perturb::OutputExtension(*op));
  MMGATE_RETURN_IF_ERROR(
      perturb::WriteAudioVariant(audio, *op, perturb::DeriveSeed(seed, id),
                                 (fs::path(data_dir) / rel).string())
          .WithContext(id));
  return ItemLine(AudioItem(id, rel, reference, MakeSlices(a, spec), group));
}

}  // namespace

Result<std::vector<std::string>> BuildSpeechSuite(const std::string& data_dir,
                                                  uint64_t seed, bool small) {
  std::vector<std::string> lines;
  const auto voices = DemoVoices();
  const int n_sentences = small ? 3 : static_cast<int>(kSentences.size());
  for (int i = 0; i < n_sentences; ++i) {
    const Voice& voice = voices[static_cast<size_t>(i) % voices.size()];
    const std::string group = fmt::format("speech-{:03}", i);
    const std::string text = kSentences[static_cast<size_t>(i)];
    auto raw = Synthesize(
        voice, text,
        static_cast<uint32_t>(perturb::DeriveSeed(seed, group + "-tts")));
    if (!raw.ok()) return raw.status().WithContext(group);
    auto audio = perturb::Resample(*raw, 16000);
    if (!audio.ok()) return audio.status().WithContext(group);
    // Each voice meets every codec and both noise levels across its
    // sentences: the rotation moves on by one per round of voices.
    const int turn = i + i / static_cast<int>(voices.size());
    const AudioSlices a{"synthetic", voice.accent, VoiceId(voice)};
    for (const std::string& spec :
         {std::string("none"), std::string(kCodecs[turn % 3]),
          std::string(kNoises[turn % 2])}) {
      auto line = WriteVariant(*audio, group, spec, text, a, data_dir, seed);
      if (!line.ok()) return line.status();
      lines.push_back(std::move(*line));
    }
  }

  const int n_human = small ? 2 : static_cast<int>(std::size(kRecordings));
  for (int h = 0; h < n_human; ++h) {
    const Recording& rec = kRecordings[h];
    const std::string group = fmt::format("speech-h{:02}", h);
    const std::string src = fmt::format("{}/{}", kTestData, rec.file);
    std::string reference;
    if (rec.transcript != nullptr) {
      reference = rec.transcript;
    } else {
      auto t =
          LookUpTranscript(fmt::format("{}/{}", kTestData, rec.list), rec.utt);
      if (!t.ok())
        return t.status().WithContext("Debian package pocketsphinx-testdata");
      reference = *t;
    }
    auto bytes = ReadFile(src);
    if (!bytes.ok())
      return bytes.status().WithContext("Debian package pocketsphinx-testdata");
    const std::string ext = fs::path(rec.file).extension().string();
    const std::string clean_rel = fmt::format("media/{}-clean{}", group, ext);
    MMGATE_RETURN_IF_ERROR(
        WriteFileAtomic((fs::path(data_dir) / clean_rel).string(), *bytes));
    const AudioSlices a{"human", rec.accent, rec.corpus};
    lines.push_back(ItemLine(AudioItem(group + "-clean", clean_rel, reference,
                                       MakeSlices(a, "none"), group)));

    auto decoded = media::ReadAudioMono(src, media::kFileRate);
    if (!decoded.ok()) return decoded.status().WithContext(group);
    auto audio = perturb::Resample(*decoded, 16000);
    if (!audio.ok()) return audio.status().WithContext(group);
    // Pairs of recordings alternate between a codec and a noise variant, so
    // both corpora meet both families and several levels of each.
    const std::string spec =
        (h / 2) % 2 == 0 ? kCodecs[(h / 4) % 3] : kNoises[(h / 4) % 2];
    auto line = WriteVariant(*audio, group, spec, reference, a, data_dir, seed);
    if (!line.ok()) return line.status();
    lines.push_back(std::move(*line));
  }
  return lines;
}

}  // namespace mmgate::demo

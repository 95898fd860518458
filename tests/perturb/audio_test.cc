#include "perturb/audio.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>

#include "common/files.h"

namespace mmgate::perturb {
namespace {

namespace fs = std::filesystem;

// 1.5 s of tones at 300 Hz, 1 kHz, 3 kHz and 6 kHz: the 6 kHz tone can only
// survive a path that never went through 8 kHz.
media::Audio Tones(int rate = 16000) {
  media::Audio a;
  a.sample_rate = rate;
  const int n = rate * 3 / 2;
  for (int i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / rate;
    double v = 0;
    for (double f : {300.0, 1000.0, 3000.0, 6000.0}) {
      v += 0.2 * std::sin(2 * std::numbers::pi * f * t);
    }
    a.samples.push_back(static_cast<int16_t>(std::lround(v * 32767)));
  }
  return a;
}

// Power of one frequency (Goertzel), normalised by the signal's power.
double RelativePower(const media::Audio& a, double freq) {
  const double w = 2 * std::numbers::pi * freq / a.sample_rate;
  double s1 = 0, s2 = 0, total = 0;
  for (int16_t x : a.samples) {
    const double s0 = x + 2 * std::cos(w) * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += static_cast<double>(x) * x;
  }
  const double p = s1 * s1 + s2 * s2 - 2 * std::cos(w) * s1 * s2;
  return p / (total * a.samples.size() / 2.0);
}

class AudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("perturb_audio_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST(AudioOpTest, SpecsRoundTrip) {
  for (const char* spec :
       {"none", "codec:pcm16k", "codec:gsm8k", "codec:mulaw8k", "codec:mp3-16k",
        "codec:mp3-24k", "noise:snr10", "noise:snr20", "noise:snr-5"}) {
    auto op = ParseAudioOp(spec);
    ASSERT_TRUE(op.ok()) << spec << ": " << op.status().message();
    EXPECT_EQ(op->Spec(), spec);
  }
  for (const char* spec : {"", "codec:", "codec:opus", "codec:mp3-17k",
                           "noise:10", "noise:snrx", "noise:snr100"}) {
    EXPECT_FALSE(ParseAudioOp(spec).ok()) << spec;
  }
}

TEST(AudioNoiseTest, SnrWithinHalfADecibelOfTarget) {
  const media::Audio clean = Tones();
  for (double target : {30.0, 20.0, 10.0, 5.0, 0.0}) {
    auto noisy = AddWhiteNoise(clean, target, 99);
    ASSERT_TRUE(noisy.ok());
    auto snr = MeasureSnrDb(clean, *noisy);
    ASSERT_TRUE(snr.ok());
    EXPECT_NEAR(*snr, target, 0.5) << "target " << target;
  }
}

TEST(AudioNoiseTest, SeededAndWhite) {
  const media::Audio clean = Tones();
  auto a = AddWhiteNoise(clean, 10, 1);
  auto b = AddWhiteNoise(clean, 10, 1);
  auto c = AddWhiteNoise(clean, 10, 2);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->samples, b->samples);
  EXPECT_NE(a->samples, c->samples);
  // White: the noise alone has equal power near 500 Hz and near 7 kHz.
  media::Audio noise;
  noise.sample_rate = clean.sample_rate;
  for (size_t i = 0; i < clean.samples.size(); ++i) {
    noise.samples.push_back(
        static_cast<int16_t>(a->samples[i] - clean.samples[i]));
  }
  double low = 0, high = 0;
  for (int k = 0; k < 20; ++k) {
    low += RelativePower(noise, 450 + 5 * k);
    high += RelativePower(noise, 7000 + 5 * k);
  }
  EXPECT_NEAR(10 * std::log10(low / high), 0.0, 3.0);
  media::Audio silent;
  silent.samples.assign(100, 0);
  EXPECT_FALSE(AddWhiteNoise(silent, 10, 1).ok());
}

TEST_F(AudioTest, ResampleKeepsPitchAndDuration) {
  const media::Audio in = Tones(22050);
  auto out = Resample(in, 16000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->sample_rate, 16000);
  EXPECT_NEAR(static_cast<double>(out->samples.size()), 24000, 2);
  EXPECT_GT(RelativePower(*out, 1000), 0.15);
  EXPECT_LT(RelativePower(*out, 1500), 0.001);
}

TEST_F(AudioTest, NarrowbandCodecsReallyPassThroughTheCodec) {
  const media::Audio src = Tones();
  ASSERT_GT(RelativePower(src, 6000), 0.2);
  for (const char* name : {"gsm8k", "mulaw8k"}) {
    auto codec = ParseCodec(name);
    ASSERT_TRUE(codec.ok());
    const std::string path = Path(std::string(name) + ".wav");
    ASSERT_TRUE(WriteEncoded(src, *codec, path).ok()) << name;
    auto bytes = ReadFile(path);
    ASSERT_TRUE(bytes.ok());
    ASSERT_GT(bytes->size(), 44u);
    EXPECT_EQ(bytes->substr(0, 4), "RIFF");
    // WAVE format tag: 0x0031 GSM 6.10, 0x0007 mu-law.
    const int tag = static_cast<unsigned char>((*bytes)[20]) |
                    static_cast<unsigned char>((*bytes)[21]) << 8;
    EXPECT_EQ(tag, codec->codec == Codec::kGsm8k ? 0x31 : 0x07) << name;
    auto decoded = media::ReadAudioMono(path, media::kFileRate);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(decoded->sample_rate, 8000);
    auto back = Resample(*decoded, 16000);
    ASSERT_TRUE(back.ok());
    // The 6 kHz tone is gone; the in-band ones survive.
    EXPECT_LT(RelativePower(*back, 6000), 1e-4) << name;
    EXPECT_GT(RelativePower(*back, 1000), 0.1) << name;
    // And the waveform is not the source's (lossy coding, not a copy).
    const size_t n = std::min(back->samples.size(), src.samples.size());
    double diff = 0, sig = 0;
    for (size_t i = 0; i < n; ++i) {
      diff += std::pow(back->samples[i] - src.samples[i], 2);
      sig += std::pow(src.samples[i], 2);
    }
    EXPECT_GT(diff / sig, 0.05) << name;
  }
}

TEST_F(AudioTest, Mp3IsAnMp3AtTheRequestedBitrate) {
  const media::Audio src = Tones();
  auto codec = ParseCodec("mp3-16k");
  ASSERT_TRUE(codec.ok());
  const std::string path = Path("x.mp3");
  ASSERT_TRUE(WriteEncoded(src, *codec, path).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  ASSERT_GT(bytes->size(), 4u);
  size_t frame = 0;
  if (bytes->substr(0, 3) == "ID3") {
    const auto* b = reinterpret_cast<const unsigned char*>(bytes->data());
    frame = 10 + ((b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9]);
  }
  ASSERT_LT(frame + 1, bytes->size());
  EXPECT_EQ(static_cast<unsigned char>((*bytes)[frame]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>((*bytes)[frame + 1]) & 0xE0, 0xE0);
  // 16 kbit/s for 1.5 s is about 3 kB (plus a frame of padding).
  EXPECT_NEAR(static_cast<double>(bytes->size()), 3000, 700);
  auto decoded = media::ReadAudioMono(path, media::kFileRate);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->sample_rate, 16000);
  EXPECT_NEAR(static_cast<double>(decoded->samples.size()), 24000, 2400);
  EXPECT_GT(RelativePower(*decoded, 1000), 0.05);
}

TEST_F(AudioTest, EveryVariantIsByteIdenticalForTheSameSeed) {
  const media::Audio src = Tones(22050);
  for (const char* spec : {"none", "codec:gsm8k", "codec:mulaw8k",
                           "codec:mp3-16k", "codec:opus-12k", "noise:snr10",
                           "speed:1.2", "telephone:3400", "reverb:50"}) {
    auto op = ParseAudioOp(spec);
    ASSERT_TRUE(op.ok());
    const std::string ext = OutputExtension(*op);
    const std::string a = Path("a." + ext), b = Path("b." + ext);
    ASSERT_TRUE(WriteAudioVariant(src, *op, 42, a).ok()) << spec;
    ASSERT_TRUE(WriteAudioVariant(src, *op, 42, b).ok()) << spec;
    EXPECT_EQ(*ReadFile(a), *ReadFile(b)) << spec;
    auto decoded = media::ReadAudioMono(a, media::kFileRate);
    ASSERT_TRUE(decoded.ok()) << spec;
    EXPECT_EQ(decoded->sample_rate,
              op->kind == AudioOpKind::kCodec ? op->codec.SampleRate() : 16000)
        << spec;
    EXPECT_FALSE(fs::exists(a + ".partial"));
  }
}

TEST(AudioOpTest, NewSpecsRoundTripAndCheckRanges) {
  for (const char* spec : {"codec:opus-6k", "codec:opus-24k", "speed:0.8",
                           "speed:1.25", "telephone:3400", "reverb:40"}) {
    auto op = ParseAudioOp(spec);
    ASSERT_TRUE(op.ok()) << spec << ": " << op.status().message();
    EXPECT_EQ(op->Spec(), spec);
  }
  for (const char* spec : {"codec:opus-2k", "speed:3", "speed:0.1",
                           "telephone:200", "reverb:0", "reverb:101"}) {
    EXPECT_FALSE(ParseAudioOp(spec).ok()) << spec;
  }
}

TEST(AudioEffectTest, TelephoneBandLimitRemovesHighAndKeepsSpeechBand) {
  const media::Audio src = Tones();
  auto out = BandLimit(src, 300, 3400);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->samples.size(), src.samples.size());
  EXPECT_LT(RelativePower(*out, 6000), 1e-4);
  EXPECT_GT(RelativePower(*out, 1000), 0.1);
  EXPECT_GT(RelativePower(*out, 3000), 0.1);
  EXPECT_FALSE(BandLimit(src, 300, 9000).ok());  // above Nyquist
}

TEST(AudioEffectTest, SpeedChangesDurationAndPitchTogether) {
  const media::Audio src = Tones();
  auto out = ChangeSpeed(src, 1.25);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->sample_rate, 16000);
  EXPECT_NEAR(static_cast<double>(out->samples.size()), 24000 / 1.25, 4);
  // The 1 kHz tone moved to 1.25 kHz.
  EXPECT_GT(RelativePower(*out, 1250), 0.1);
  EXPECT_LT(RelativePower(*out, 1000), 0.01);
}

TEST(AudioEffectTest, ReverbSmearsTheSignalInTime) {
  media::Audio click;
  click.sample_rate = 16000;
  click.samples.assign(16000, 0);
  for (int i = 0; i < 80; ++i) click.samples[static_cast<size_t>(i)] = 20000;
  auto out = Reverberate(click, 80);
  ASSERT_TRUE(out.ok()) << out.status().message();
  // After the click (5 ms) the dry signal is silent; the reverberated one
  // still carries energy 100-300 ms later.
  double tail = 0;
  for (size_t i = 1600; i < 4800 && i < out->samples.size(); ++i)
    tail += std::abs(out->samples[i]);
  EXPECT_GT(tail, 1000.0);
}

TEST_F(AudioTest, OpusReallyPassesThroughTheCodec) {
  const media::Audio src = Tones();
  auto low = OpusRoundTrip(src, 6);
  auto high = OpusRoundTrip(src, 32);
  ASSERT_TRUE(low.ok()) << low.status().message();
  ASSERT_TRUE(high.ok()) << high.status().message();
  EXPECT_EQ(low->samples.size(), src.samples.size());
  auto err = [&](const media::Audio& a) {
    double diff = 0, sig = 0;
    for (size_t i = 0; i < src.samples.size(); ++i) {
      diff += std::pow(a.samples[i] - src.samples[i], 2);
      sig += std::pow(src.samples[i], 2);
    }
    return diff / sig;
  };
  // Lossy, and lossier at the lower bitrate; at 6 kbit/s Opus codes a
  // narrower band, so the 6 kHz tone is lost while 1 kHz survives.
  EXPECT_GT(err(*low), err(*high));
  EXPECT_GT(err(*high), 1e-4);
  EXPECT_LT(RelativePower(*low, 6000), 0.2 * RelativePower(src, 6000));
  EXPECT_GT(RelativePower(*low, 1000), 0.05);
}

TEST_F(AudioTest, ErrorsNameTheFile) {
  const std::string missing = Path("nope.wav");
  auto r = media::ReadAudioMono(missing, media::kFileRate);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(missing), std::string::npos);
  media::Audio empty;
  EXPECT_FALSE(WriteWav16(empty, Path("e.wav")).ok());
}

}  // namespace
}  // namespace mmgate::perturb

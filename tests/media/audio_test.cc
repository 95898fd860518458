#include "media/audio.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "media/sox.h"

namespace mmgate::media {
namespace {

namespace fs = std::filesystem;

const char kTestData[] = "/usr/share/pocketsphinx/test/data/";
const char kWav[] =
    "/usr/share/pocketsphinx/test/data/librivox/"
    "sense_and_sensibility_01_austen_64kb-0880.wav";
constexpr size_t kWavSamples = 47840;  // soxi -s of kWav: 16 kHz mono

class AudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate_media_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ / name; }

  // Runs the sox command-line tool, which the setup script installs.
  void Sox(const std::string& args) {
    std::string cmd = "sox " + args + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }

  fs::path dir_;
};

// Positive-going zero crossings per second: the frequency of a pure tone.
double ToneFrequency(const Audio& audio) {
  int crossings = 0;
  for (size_t i = 1; i < audio.samples.size(); ++i) {
    if (audio.samples[i - 1] < 0 && audio.samples[i] >= 0) ++crossings;
  }
  return crossings * static_cast<double>(audio.sample_rate) /
         audio.samples.size();
}

double Rms(const std::vector<int16_t>& s) {
  double sum = 0;
  for (int16_t v : s) sum += static_cast<double>(v) * v;
  return std::sqrt(sum / s.size());
}

TEST_F(AudioTest, ReadsWavAtItsOwnRateUnchanged) {
  Result<Audio> audio = ReadAudioMono(kWav, 16000);
  ASSERT_TRUE(audio.ok()) << audio.status().message();
  EXPECT_EQ(audio->sample_rate, 16000);
  EXPECT_EQ(audio->samples.size(), kWavSamples);
  // The PCM payload is the last 2 * N bytes of the canonical WAV file.
  std::ifstream f(kWav, std::ios::binary);
  f.seekg(-static_cast<std::streamoff>(2 * kWavSamples), std::ios::end);
  std::vector<int16_t> raw(kWavSamples);
  f.read(reinterpret_cast<char*>(raw.data()), 2 * kWavSamples);
  EXPECT_EQ(audio->samples, raw);
}

TEST_F(AudioTest, ResamplesToTheRequestedRate) {
  Result<Audio> audio = ReadAudioMono(kWav, 8000);
  ASSERT_TRUE(audio.ok()) << audio.status().message();
  EXPECT_EQ(audio->sample_rate, 8000);
  EXPECT_NEAR(static_cast<double>(audio->samples.size()), kWavSamples / 2.0,
              2.0);
}

TEST_F(AudioTest, DownmixesAndResamplesStereoTone) {
  Sox("-n -r 44100 -c 2 -b 16 " + Path("tone.wav") +
      " synth 1 sine 440 gain -6");
  Result<Audio> audio = ReadAudioMono(Path("tone.wav"), 16000);
  ASSERT_TRUE(audio.ok()) << audio.status().message();
  EXPECT_NEAR(static_cast<double>(audio->samples.size()), 16000.0, 2.0);
  EXPECT_NEAR(ToneFrequency(*audio), 440.0, 3.0);
  // -6 dBFS sine: peak 0.5, RMS 0.5 / sqrt(2) of full scale in both channels.
  EXPECT_NEAR(Rms(audio->samples), 32768 * 0.5 / std::sqrt(2.0), 600.0);
}

TEST_F(AudioTest, ReadsHeaderlessRawAsSixteenKiloHertzLittleEndian) {
  std::string raw = std::string(kTestData) + "goforward.raw";
  Result<Audio> audio = ReadAudioMono(raw, 16000);
  ASSERT_TRUE(audio.ok()) << audio.status().message();
  ASSERT_EQ(audio->samples.size(), fs::file_size(raw) / 2);
  std::ifstream f(raw, std::ios::binary);
  std::vector<unsigned char> bytes(4);
  f.read(reinterpret_cast<char*>(bytes.data()), 4);
  EXPECT_EQ(audio->samples[0], static_cast<int16_t>(bytes[0] | bytes[1] << 8));
  EXPECT_EQ(audio->samples[1], static_cast<int16_t>(bytes[2] | bytes[3] << 8));
}

TEST_F(AudioTest, ReadsLossyEncodingsBackToSixteenKiloHertz) {
  Sox(std::string(kWav) + " -r 8000 -e u-law " + Path("ulaw.wav"));
  Sox(std::string(kWav) + " -r 8000 " + Path("speech.gsm"));
  Sox(std::string(kWav) + " -r 8000 -e gsm " + Path("gsm.wav"));
  Sox(std::string(kWav) + " " + Path("speech.mp3"));
  Sox(std::string(kWav) + " " + Path("speech.flac"));
  Result<Audio> reference = ReadAudioMono(kWav, 16000);
  ASSERT_TRUE(reference.ok());
  for (const char* name :
       {"ulaw.wav", "speech.gsm", "gsm.wav", "speech.mp3", "speech.flac"}) {
    Result<Audio> audio = ReadAudioMono(Path(name), 16000);
    ASSERT_TRUE(audio.ok()) << name << ": " << audio.status().message();
    // GSM pads to 160-sample frames and MP3 adds encoder delay and padding.
    EXPECT_NEAR(static_cast<double>(audio->samples.size()), kWavSamples,
                kWavSamples * 0.04)
        << name;
    // Same speech, similar loudness: a decoder that produced noise or
    // silence would be far off.
    EXPECT_NEAR(Rms(audio->samples), Rms(reference->samples),
                Rms(reference->samples) * 0.25)
        << name;
  }
}

TEST_F(AudioTest, EmptyFileIsCorrupt) {
  for (const char* name : {"empty.wav", "empty.raw", "empty.mp3"}) {
    std::ofstream(Path(name)).close();
    Result<Audio> audio = ReadAudioMono(Path(name));
    ASSERT_FALSE(audio.ok()) << name;
    EXPECT_EQ(audio.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(audio.status().message().find(Path(name)), std::string::npos);
  }
}

TEST_F(AudioTest, NonAudioFileIsCorrupt) {
  std::ofstream(Path("notes.wav")) << "this is not a RIFF file at all\n";
  Result<Audio> audio = ReadAudioMono(Path("notes.wav"));
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(audio.status().message().find("notes.wav"), std::string::npos);
}

TEST_F(AudioTest, TruncatedWavIsCorrupt) {
  std::ifstream in(kWav, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  std::ofstream(Path("cut.wav"), std::ios::binary)
      << bytes.substr(0, bytes.size() / 2);
  Result<Audio> audio = ReadAudioMono(Path("cut.wav"));
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(audio.status().message().find("truncated"), std::string::npos)
      << audio.status().message();
}

TEST_F(AudioTest, MissingFileIsNotFound) {
  Result<Audio> audio = ReadAudioMono(Path("absent.wav"));
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kNotFound);
}

TEST(SoxTest, InitIsOncePerProcess) {
  // A second sox_init() would abort the process; InitSox() must not.
  ASSERT_TRUE(InitSox().ok());
  ASSERT_TRUE(InitSox().ok());
  EXPECT_TRUE(ReadAudioMono(kWav).ok());
}

TEST_F(AudioTest, DecodesFromManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<size_t> sizes(4);
  for (size_t i = 0; i < sizes.size(); ++i) {
    threads.emplace_back([&sizes, i] {
      Result<Audio> audio = ReadAudioMono(kWav, i % 2 ? 8000 : 16000);
      sizes[i] = audio.ok() ? audio->samples.size() : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < sizes.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(sizes[i]),
                i % 2 ? kWavSamples / 2.0 : kWavSamples, 2.0);
  }
}

}  // namespace
}  // namespace mmgate::media

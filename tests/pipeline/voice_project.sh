# Shared by the pipeline CLI tests: a voice pipeline project on the real local
# engines (PocketSphinx -> rules -> eSpeak NG -> PocketSphinx with a replies
# grammar). Sourced; writes into the current folder.

# voice_tones: four sox tones (not words, so transcription fails on each and
# the counts are exact) as data/media/a0..a3.wav.
voice_tones() {
  mkdir -p data/media
  for i in 0 1 2 3; do
    sox -n -r 16000 -c 1 -b 16 "data/media/a$i.wav" synth 1.$i sine $((300 + 100 * i))
  done
}

# voice_suite: the suite voice.yaml over data/items.jsonl and its grammar.
voice_suite() {
  cat >replies.gram <<'G'
#JSGF V1.0;
grammar replies;
public <reply> = your timer is set | sorry;
G
  cat >voice.yaml <<'Y'
name: voice
modality: pipeline
dataset: data/items.jsonl
metric: wer
stages:
  - {name: transcribe, model: asr, kind: asr, metric: wer}
  - {name: reason, model: rules, kind: text, metric: normalized_match}
  - {name: synthesize, model: tts, kind: tts}
  - {name: verify, model: asr-replies, kind: asr, metric: wer, verifies: synthesize}
Y
}

# voice_models: the models block of mmgate.yaml (rules-v2 is the candidate
# reasoning step).
voice_models() {
  cat <<'Y'
models:
  asr: {provider: pocketsphinx}
  asr-replies: {provider: pocketsphinx, jsgf: replies.gram}
  tts: {provider: espeak, voice: en-us, rate: 130, pitch: 40, range: 20}
  rules: {provider: rules, otherwise: sorry, rules: [{when: timer, say: "your timer is set"}]}
  rules-v2: {provider: rules, otherwise: "sorry", rules: [{when: timer set, say: "your timer is set"}]}
Y
}

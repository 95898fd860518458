#!/usr/bin/env python3
"""Writes the bad-input corpus's generated cases (see README.md).

Run from anywhere: python3 tests/corpus/generate.py. The hand-written cases
beside the generated ones are left alone; the output is deterministic.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Raw JSON text for hostile values, put in place of one field of a good item.
HOSTILE_VALUES = {
    "overflow": "1e999999",
    "neg_overflow": "-1e999999",
    "null": "null",
    "true": "true",
    "zero": "0",
    "huge_int": "123456789012345678901234567890",
    "empty_list": "[]",
    "empty_object": "{}",
    "nested_129": "[" * 129 + "]" * 129,
    "nul_char": '"a\\u0000b"',
    "empty_string": '""',
    "long_string": json.dumps("x" * 20000),
    "lone_surrogate": '"\\ud800"',
    "ansi_escape": '"\\u001b[31mred\\u001b[0m"',
    "list_of_lists": "[[1, 2], [3]]",
    "bad_escape": '"\\x41"',
}
FIELDS = ["id", "modality", "prompt", "reference", "metric", "expect", "slices",
          "evidence", "group", "media"]


def good(item_id):
    return {"id": item_id, "modality": "text", "prompt": "Say a",
            "reference": "a"}


def field_cases():
    """One line per (field, hostile value): a JSONL dataset of them all."""
    lines = []
    for field in FIELDS:
        for name, raw in HOSTILE_VALUES.items():
            item = good(f"{field}-{name}")
            text = json.dumps(item)
            if field in item:
                key = json.dumps(field) + ": " + json.dumps(item[field])
                text = text.replace(key, json.dumps(field) + ": " + raw, 1)
            else:
                text = text[:-1] + ", " + json.dumps(field) + ": " + raw + "}"
            lines.append(text)
    return lines


def media_cases():
    """Media entries that must stay inside the dataset's folder and exist."""
    paths = ["/etc/passwd", "../outside.png", "media/../../x.png", "media",
             "/dev/zero", "", ".", "media/nope.png", "media/%s.png" % ("x" * 300),
             "media/\u202eevil.png", "file:///etc/passwd", "C:\\\\x.png"]
    lines = []
    for i, p in enumerate(paths):
        item = good(f"media-path-{i}")
        item["media"] = [{"type": "image", "path": p}]
        lines.append(json.dumps(item))
    for i, entry in enumerate([{"type": "image"}, {"path": "media/a.png"},
                               {"type": "hologram", "path": "media/a.png"},
                               {"type": 1, "path": 2}, "media/a.png", None]):
        item = good(f"media-entry-{i}")
        item["media"] = [entry]
        lines.append(json.dumps(item))
    return lines


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main():
    lines = field_cases() + media_cases()
    write(os.path.join(HERE, "generated", "fields.jsonl"), "\n".join(lines) + "\n")
    # Each line alone, as the second line of a dataset after one good item.
    cases = {
        "number_overflow": '{"id":"bad-1","modality":"text","reference":1e999999}',
        "overflow_in_slices": '{"id":"s","modality":"text","reference":"a","slices":{"k":-1e400}}',
        "truncated_object": '{"id": "t", "modality": "text",',
        "trailing_garbage": '{"id": "t", "modality": "text", "reference": "a"} x',
        "two_objects": '{"id": "t1", "reference": "a"}{"id": "t2", "reference": "a"}',
        "array_line": '["id", "t"]',
        "string_line": '"just a string"',
        "number_line": "42",
        "null_line": "null",
        "unclosed_string": '{"id": "t, "reference": "a"}',
        "single_quotes": "{'id': 't', 'reference': 'a'}",
        "comment_line": '// {"id": "t"}',
        "deep_object_200": '{"id":"d","x":' + '{"a":' * 200 + "1" + "}" * 200 + "}",
        "deep_unbalanced": '{"id":"d","x":' + "[" * 5000,
        "closing_only": "]" * 1000,
        "nan_literal": '{"id": "n", "reference": NaN}',
        "infinity_literal": '{"id": "n", "reference": Infinity}',
        "hex_number": '{"id": "n", "reference": 0x10}',
        "leading_zero": '{"id": "n", "reference": 007}',
        "duplicate_key": '{"id": "dup", "id": "dup2", "modality": "text", "reference": "a"}',
        "unknown_modality": '{"id": "m", "modality": "smell", "reference": "a"}',
        "duplicate_good_id": '{"id": "good", "modality": "text", "reference": "a"}',
        "unknown_metric": '{"id": "m", "modality": "text", "reference": "a", "metric": "bleu-9000"}',
        "abstain_with_reference": '{"id": "m", "modality": "text", "expect": "maybe"}',
    }
    for name, line in cases.items():
        write(os.path.join(HERE, "jsonl", name + ".jsonl"), line + "\n")
    write_cases("yaml", yaml_cases(), ".yaml")
    write_cases("suite", suite_cases(), ".yaml")
    write_cases("trn", trn_cases(), ".trn")


# A working project config; each YAML case replaces or adds one part of it.
MODELS = 'models:\n  m: {provider: exec, command: ["./model.sh"]}\n'
SUITES = 'suites: [suite.yaml]\n'


def alias_bomb():
    text = MODELS + SUITES + "extra_bomb:\n  l0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 10):
        text += f"  l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    return text


def yaml_cases():
    return {
        "alias_bomb": alias_bomb(),
        "alias_bomb_in_gate": MODELS + SUITES + alias_bomb().split(SUITES)[1].replace(
            "extra_bomb", "gate:\n  modalities", 1).replace("\n  l", "\n    l"),
        "misspelled_gate": MODELS + SUITES + "gaet: {margin: 0.1}\n",
        "unknown_gate_modality": MODELS + SUITES + "gate:\n  modalities: {audoi: {margin: 0.01}}\n",
        "list_document": "- models\n- suites\n",
        "scalar_document": "just text\n",
        "empty_file": "",
        "comments_only": "# nothing\n",
        "duplicate_key": MODELS + SUITES + SUITES,
        "tab_indent": "models:\n\tm: {provider: exec}\n" + SUITES,
        "unclosed_bracket": "models: {m: {provider: exec, command: [x]\n" + SUITES,
        "models_list": "models: [m]\n" + SUITES,
        "model_no_provider": "models:\n  m: {command: [x]}\n" + SUITES,
        "unknown_provider": "models:\n  m: {provider: telepathy}\n" + SUITES,
        "exec_command_string": "models:\n  m: {provider: exec, command: 3}\n" + SUITES,
        "exec_command_empty": "models:\n  m: {provider: exec, command: []}\n" + SUITES,
        "suites_mapping": MODELS + "suites: {a: suite.yaml}\n",
        "suite_entry_number": MODELS + "suites: [42]\n",
        "suite_missing": MODELS + "suites: [nope.yaml]\n",
        "suite_is_directory": MODELS + "suites: [data]\n",
        "inline_no_modality": MODELS + "suites:\n  - {name: s, dataset: data/items.jsonl, metric: exact}\n",
        "inline_dataset_directory": MODELS + "suites:\n  - {name: s, modality: text, dataset: data, metric: exact}\n",
        "inline_dataset_empty": MODELS + "suites:\n  - {name: s, modality: text, dataset: data/empty.jsonl, metric: exact}\n",
        "inline_dataset_blank": MODELS + "suites:\n  - {name: s, modality: text, dataset: data/blank.jsonl, metric: exact}\n",
        "inline_dataset_missing": MODELS + "suites:\n  - {name: s, modality: text, dataset: data/none.jsonl, metric: exact}\n",
        "inline_unknown_metric": MODELS + "suites:\n  - {name: s, modality: text, dataset: data/items.jsonl, metric: bleu-9000}\n",
        "inline_unknown_key": MODELS + "suites:\n  - {name: s, modality: text, dataset: data/items.jsonl, metric: exact, colour: red}\n",
        "gate_margin_string": MODELS + SUITES + "gate: {margin: lots}\n",
        "gate_alpha_five": MODELS + SUITES + "gate: {alpha: 5}\n",
        "gate_min_n_negative": MODELS + SUITES + "gate: {min_n: -1}\n",
        "gate_margin_overflow": MODELS + SUITES + "gate: {margin: 1e999999}\n",
        "gate_correction_unknown": MODELS + SUITES + "gate: {correction: bonferroni-ish}\n",
        "gate_not_a_map": MODELS + SUITES + "gate: [1, 2]\n",
        "prices_negative": MODELS + SUITES + "prices:\n  m: {input_per_mtok: -1, output_per_mtok: 1}\n",
        "prices_list": MODELS + SUITES + "prices: [1]\n",
        "baseline_unknown": MODELS + SUITES + "baseline: nobody\n",
        "undefined_alias": MODELS + SUITES + "gate: *nope\n",
        # An alias inside its own anchor: a cycle (found by fuzz_config).
        "self_alias": MODELS + SUITES + "extra: &b [1, *b, *b]\n",
        "mapping_as_key": MODELS + SUITES + "? {a: 1}\n: x\n",
        "modalities_scalar": "modalities: smell\n" + MODELS + SUITES,
        "route_unknown_target": "models:\n  m: {provider: route, text: ghost}\n" + SUITES,
        "binary_tag": MODELS + SUITES + "gate: !!binary AAAA\n",
        "huge_scalar": MODELS + SUITES + "gate: {margin: " + "9" * 5000 + "}\n",
        "deep_flow_nesting": MODELS + SUITES + "extra: " + "[" * 3000 + "]" * 3000 + "\n",
        "control_chars": MODELS + SUITES + "gate: {margin: \"\\e[31m\"}\n",
    }


def suite_cases():
    """Suite files (suite.yaml), each with something wrong."""
    head = "name: qa\nmodality: text\n"
    return {
        "not_a_mapping": "- name\n",
        "missing_name": "modality: text\ndataset: data/items.jsonl\nmetric: exact\n",
        "missing_dataset": head + "metric: exact\n",
        "dataset_directory": head + "dataset: data\nmetric: exact\n",
        "dataset_empty": head + "dataset: data/empty.jsonl\nmetric: exact\n",
        "dataset_blank": head + "dataset: data/blank.jsonl\nmetric: exact\n",
        "dataset_dev_null": head + "dataset: /dev/null\nmetric: exact\n",
        "unknown_modality": "name: qa\nmodality: smell\ndataset: data/items.jsonl\nmetric: exact\n",
        "metric_list": head + "dataset: data/items.jsonl\nmetric: [exact]\n",
        "rubric_list": head + "dataset: data/items.jsonl\nmetric: exact\nrubric: [a]\n",
        "params_scalar": head + "dataset: data/items.jsonl\nmetric: exact\nparams: 3\n",
        "gate_margin_string": head + "dataset: data/items.jsonl\nmetric: exact\ngate: {margin: x}\n",
        "alias_bomb": head + "dataset: data/items.jsonl\nmetric: exact\n" +
                      alias_bomb().split(SUITES)[1].replace("extra_bomb", "params", 1),
        "duplicate_name_key": head + "name: qb\ndataset: data/items.jsonl\nmetric: exact\n",
    }


def trn_cases():
    """sclite transcripts, each used as --ref and as --hyp."""
    return {
        "no_utterance_id": "hello world\n",
        "unclosed_id": "hello (u1\n",
        "empty_id": "hello ()\n",
        "duplicate_id": "a (u1)\nb (u1)\n",
        "only_id": "(u1)\n",
        "blank_lines": "\n\n\n",
        "empty": "",
        "alternation": "{ a / b } (u1)\n",
        "unbalanced_alternation": "{ a / b (u1)\n",
        "nul_bytes": "a\0b (u1)\n",
        "very_long_word": "w" * 100000 + " (u1)\n",
        "many_words": " ".join(["w"] * 50000) + " (u1)\n",
        "parens_in_words": "a (b) c (u1)\n",
        "crlf": "a b (u1)\r\nc d (u2)\r\n",
        "no_final_newline": "a b (u1)",
        "unicode": "caf\u00e9 \u202e na\u00efve (u1)\n",
        "speaker_only_dash": "a (-)\n",
        "ids_differ": "a (zz9)\n",
    }


def write_cases(folder, cases, ext):
    for name, text in cases.items():
        write(os.path.join(HERE, folder, name + ext), text)


if __name__ == "__main__":
    main()

// Writes a C++ source holding the report's front-end files as string views,
// so the mmgate binary carries them and every HTML report works offline.
// usage: node embed.mjs OUT.cc NAME=FILE[+FILE...] ...
// Files joined with + are concatenated (one <script> element in the report).
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...specs] = process.argv.slice(2);
const chunk = 60000;  // well under compilers' string-literal limits
let body = '';
for (const spec of specs) {
  const [name, files] = spec.split('=');
  const text = files.split('+')
      .map((f) => readFileSync(f, 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/gm, ''))
      .join('\n');
  // The text goes inside an HTML <script> or <style> element.
  if (/<\/(script|style)|<!--/i.test(text)) {
    console.error(`embed.mjs: ${files} contains </script, </style or <!--`);
    process.exit(1);
  }
  let delim = 'mmg';
  for (let i = 0; text.includes(`)${delim}"`); ++i) delim = `mmg${i}`;
  const parts = [];
  for (let i = 0; i < text.length; i += chunk) {
    parts.push(`R"${delim}(${text.slice(i, i + chunk)})${delim}"`);
  }
  body += `std::string_view ${name}() {\n  static const char k[] =\n` +
      `${parts.join('\n')};\n  return {k, sizeof k - 1};\n}\n\n`;
}
writeFileSync(out, '// Generated at build time by src/report/web/embed.mjs.\n' +
    '#include "report/web_assets.h"\n\nnamespace mmgate::report::web {\n\n' +
    body + '}  // namespace mmgate::report::web\n');

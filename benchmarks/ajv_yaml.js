// Validate every .yaml file of a folder against one JSON Schema with Ajv (draft 2020-12) in one
// Node process, reading YAML with js-yaml's CORE schema so that unquoted dates stay strings (as
// ladderctl and check-jsonschema read them). ajv-cli itself uses js-yaml's default schema, which
// turns `2020-01-01` into a JS Date, so every staff record fails `"type": "string"` there.
//
//   AJV_DIR=/tmp/ajv node benchmarks/ajv_yaml.js schemas/staff-record.schema.json DEPT/staff
//
// Prints "<valid> valid, <invalid> invalid"; exits 1 when any file is invalid.
"use strict";
const fs = require("fs");
const path = require("path");

const ajvDir = process.env.AJV_DIR || "/tmp/ajv";
const need = (name) => require(path.join(ajvDir, "node_modules", name));
const Ajv2020 = need("ajv/dist/2020").default;
const addFormats = need("ajv-formats");
const yaml = need("js-yaml");

const [schemaFile, folder] = process.argv.slice(2);
if (!schemaFile || !folder) {
  console.error("usage: node ajv_yaml.js SCHEMA.json FOLDER");
  process.exit(2);
}
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));

let valid = 0;
let invalid = 0;
for (const name of fs.readdirSync(folder).sort()) {
  if (!name.endsWith(".yaml") && !name.endsWith(".yml")) continue;
  const file = path.join(folder, name);
  const data = yaml.safeLoad(fs.readFileSync(file, "utf8"), { schema: yaml.CORE_SCHEMA });
  if (validate(data)) {
    valid += 1;
  } else {
    invalid += 1;
    if (invalid <= 5) console.error(file, JSON.stringify(validate.errors));
  }
}
console.log(`${valid} valid, ${invalid} invalid`);
process.exit(invalid ? 1 : 0);

#!/usr/bin/env node
// Validates deployment files against their schemas (run by deploy/validate.sh):
//
//   node validate.mjs --k8s LABEL=FILE ... --compose LABEL=FILE ...     (FILE "-" = stdin)
//
// --k8s: a multi-document YAML stream (e.g. `kubectl kustomize` output). Every object is checked
//   against the JSON Schema of its apiVersion/kind, made strict: every object schema that lists
//   its properties gets additionalProperties: false, so an unknown or misspelled field fails
//   (what `kubectl apply --validate=strict` does against a server). An apiVersion/kind without a
//   schema fails too. Schemas: Kubernetes 1.27.1, from the kubernetes-models package 4.3.1, its
//   last release that ships them as JSON Schema (later ones ship compiled validators that accept
//   unknown fields).
// --compose: one Compose file (YAML merge keys `<<` resolved), checked against the Compose
//   specification schema that the dclint package ships.
//
// One line per file on success, the reasons on failure, and a last line "counts: P F" (checks
// passed, failed: one per Kubernetes object, one per Compose file). Exit status 1 if any failed.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- Kubernetes schemas

/** Collects every schema the kubernetes-models packages register, keyed by id. */
function loadKubernetesSchemas() {
  const schemas = new Map();
  const packages = ["kubernetes-models", "@kubernetes-models/apimachinery"];
  for (const pkg of packages) {
    const pkgDir = path.dirname(require.resolve(`${pkg}/package.json`));
    const pkgRequire = createRequire(path.join(pkgDir, "package.json"));
    // The generated modules call register(id, schema) of @kubernetes-models/validate when their
    // addSchema() runs: take the schemas from there instead of letting that package compile them.
    const validateModule = pkgRequire("@kubernetes-models/validate");
    validateModule.register = (id, schema) => {
      if (!schemas.has(id)) schemas.set(id, schema);
    };
    const dir = path.join(pkgDir, "_schemas");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".js")).sort()) {
      pkgRequire(path.join(dir, file)).addSchema();
    }
  }
  return schemas;
}

/**
 * Deep copy of a schema with additionalProperties: false on every object schema that lists
 * properties and says nothing about other keys (the "strict" flavour of Kubernetes JSON schemas).
 */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, strict(sub)]),
      );
    } else if (["items", "additionalProperties", "not"].includes(key) && typeof value === "object") {
      out[key] = strict(value);
    } else if (["oneOf", "anyOf", "allOf"].includes(key)) {
      out[key] = value.map(strict);
    } else {
      out[key] = value;
    }
  }
  if (out.properties && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}

// Resource quantities as the API server parses them (k8s.io/apimachinery/pkg/api/resource):
// a signed decimal number and a binary-SI, decimal-SI or exponent suffix.
const QUANTITY = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function kubernetesValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv, ["date-time"]);
  ajv.addFormat("int32", {
    type: "number",
    validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n) => Number.isSafeInteger(n) });
  ajv.addFormat("double", { type: "number", validate: (n) => Number.isFinite(n) });
  ajv.addFormat("quantity", { type: "string", validate: (s) => QUANTITY.test(s) });
  // []byte fields (Secret data): base64. The API server's decoder skips CR and LF, so the
  // line-wrapped base64 that kustomize writes for long values is accepted, as it is there.
  ajv.addFormat("byte", { type: "string", validate: (s) => BASE64.test(s.replace(/[\r\n]/g, "")) });

  const byKind = new Map(); // "apps/v1 Deployment" -> schema id
  for (const [id, schema] of loadKubernetesSchemas()) {
    ajv.addSchema(strict(schema), id);
    const apiVersion = schema.properties?.apiVersion?.enum;
    const kind = schema.properties?.kind?.enum;
    if (apiVersion?.length === 1 && kind?.length === 1) byKind.set(`${apiVersion[0]} ${kind[0]}`, id);
  }
  return (object) => {
    const key = `${object?.apiVersion} ${object?.kind}`;
    const id = byKind.get(key);
    if (!id) return [`no schema for apiVersion/kind "${key}"`];
    const validate = ajv.getSchema(id);
    return validate(object) ? [] : describe(validate.errors);
  };
}

// ---------------------------------------------------------------- Compose schema

function composeValidator() {
  const schemaFile = path.join(path.dirname(require.resolve("dclint/package.json")), "schemas", "compose.schema.json");
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  // compose-spec names draft-07 by its https address, which ajv knows under http.
  if (/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/.test(schema.$schema ?? "")) {
    schema.$schema = "http://json-schema.org/draft-07/schema#";
  }
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  return (document) => (validate(document) ? [] : describe(validate.errors));
}

// ---------------------------------------------------------------- reporting

/**
 * ajv's errors in a form a person can act on: the wrappers of alternatives ("must match exactly
 * one schema in oneOf", the "must be null" of nullable references) are left out when a more
 * precise error exists, and each unknown field is named.
 */
function describe(errors) {
  const precise = errors.filter((e) => !(e.keyword === "oneOf" || (e.keyword === "type" && e.params.type === "null")));
  const shown = precise.length ? precise : errors;
  const lines = shown.map((e) => {
    const where = e.instancePath || "/";
    if (e.keyword === "additionalProperties") return `${where}: unknown field "${e.params.additionalProperty}"`;
    if (e.keyword === "enum") return `${where}: ${e.message}: ${e.params.allowedValues.join(", ")}`;
    return `${where}: ${e.message}`;
  });
  return [...new Set(lines)];
}

function readInput(file) {
  return readFileSync(file === "-" ? 0 : file, "utf8");
}

function parseYaml(text, options) {
  const documents = parseAllDocuments(text, options);
  const list = Array.isArray(documents) ? documents : [documents];
  const problems = list.flatMap((d) => d.errors.map((e) => e.message));
  return { documents: list, problems };
}

// ---------------------------------------------------------------- main

function main(argv) {
  const jobs = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (!["--k8s", "--compose"].includes(flag) || !value || !value.includes("=")) {
      console.error("usage: node validate.mjs (--k8s LABEL=FILE | --compose LABEL=FILE)...");
      process.exit(2);
    }
    const at = value.indexOf("=");
    jobs.push({ type: flag.slice(2), label: value.slice(0, at), file: value.slice(at + 1) });
  }

  let passed = 0;
  let failed = 0;
  let k8s;
  let compose;
  for (const job of jobs) {
    let text;
    try {
      text = readInput(job.file);
    } catch (e) {
      console.log(`FAIL  ${job.label}: cannot read ${job.file}: ${e.message}`);
      failed++;
      continue;
    }
    if (job.type === "k8s") {
      k8s ??= kubernetesValidator();
      const { documents, problems } = parseYaml(text);
      if (problems.length) {
        console.log(`FAIL  ${job.label}: not valid YAML: ${problems.join("; ")}`);
        failed++;
        continue;
      }
      const objects = documents.map((d) => d.toJS()).filter((o) => o !== null && o !== undefined);
      if (objects.length === 0) {
        console.log(`FAIL  ${job.label}: no objects`);
        failed++;
        continue;
      }
      const kinds = new Map();
      let bad = 0;
      for (const object of objects) {
        const name = `${object?.kind}/${object?.metadata?.name}`;
        const reasons = k8s(object);
        if (reasons.length) {
          bad++;
          console.log(`FAIL  ${job.label}: ${name}`);
          for (const r of reasons) console.log(`        ${r}`);
        } else {
          kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);
        }
      }
      passed += objects.length - bad;
      failed += bad;
      if (!bad) {
        const summary = [...kinds].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(", ");
        console.log(`ok    ${job.label}: ${objects.length} objects valid (${summary})`);
      }
    } else {
      compose ??= composeValidator();
      const { documents, problems } = parseYaml(text, { merge: true });
      if (problems.length || documents.length !== 1) {
        console.log(`FAIL  ${job.label}: not one valid YAML document: ${problems.join("; ")}`);
        failed++;
        continue;
      }
      const reasons = compose(documents[0].toJS({ maxAliasCount: -1 }) ?? {});
      if (reasons.length) {
        console.log(`FAIL  ${job.label}: Compose specification`);
        for (const r of reasons) console.log(`        ${r}`);
        failed++;
      } else {
        console.log(`ok    ${job.label}: valid against the Compose specification`);
        passed++;
      }
    }
  }
  console.log(`counts: ${passed} ${failed}`);
  process.exit(failed ? 1 : 0);
}

main(process.argv.slice(2));

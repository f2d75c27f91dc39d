#!/usr/bin/env node
// Validates Kubernetes manifests offline: every document of every file given is checked against the JSON schema of
// its apiVersion/kind (the Kubernetes API's, from kubernetes-models, and KEDA's CRDs, from
// @kubernetes-models/keda). A kind without a known schema is an error, never skipped. The schemas check types,
// required fields and enums; like the API server's default, they let unknown fields through.
//   node setup/k8s/validate/validate.mjs FILE.yaml...     exit 0 when all are valid, 1 otherwise
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const modules = { "keda.sh": "@kubernetes-models/keda/keda.sh" };

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const path = group === "" ? `kubernetes-models/${version}`
    : modules[group] ? `${modules[group]}/${version}` : `kubernetes-models/${group}/${version}`;
  try {
    const model = (await import(path))[kind];
    if (model) return model;
  } catch (e) {
    // no such group/version: reported below
  }
  throw new Error(`no schema known for ${apiVersion} ${kind}`);
}

let failed = 0;
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: validate.mjs FILE.yaml...");
  process.exit(2);
}
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    const where = `${file}`;
    try {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      const data = doc.toJS();
      if (data === null || data === undefined) continue; // an empty document (e.g. after a trailing ---)
      if (!data.apiVersion || !data.kind) throw new Error("no apiVersion or kind");
      const Model = await modelOf(data.apiVersion, data.kind);
      new Model(data).validate();
      console.log(`OK ${where} ${data.apiVersion} ${data.kind} ${data.metadata?.name ?? ""}`);
    } catch (e) {
      failed++;
      console.log(`INVALID ${where}: ${e.message}`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);

#!/usr/bin/env node
// Checks that the deployment objects fit together (run by deploy/validate.sh), beyond their
// schemas:
//
//   node fit.mjs --repo DIR [--k8s LABEL=FILE ...] [--compose FILE] [--nginx FILE]
//                [--front-door FILE] [--routes FILE]
//
// - routing: nginx, the Ingress and the local front door route exactly the paths of the routing
//   table in docs/deploy.md, each to the service the table names;
// - Kubernetes (each rendered overlay): every Service selects the pods of exactly one Deployment
//   and targets a port its containers declare; every probe asks a path the application serves
//   (health probes enabled in its application.yaml) on the port it listens on (server.port);
//   every environment variable binds to a property the service has (its application.yaml or its
//   table in docs/configuration.md); NetworkPolicies let the ingress controller reach exactly the
//   services and ports the routing table needs, and nothing else;
// - Compose: the same environment variable check, and each service's SERVER_PORT is the port
//   nginx sends it traffic on.
//
// One line per check ("ok" or "FAIL" and the reason), and a last line "counts: P F".
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";

let passed = 0;
let failed = 0;
function check(label, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok    ${label}`);
  } else {
    failed++;
    console.log(`FAIL  ${label}`);
    for (const problem of problems) console.log(`        ${problem}`);
  }
}

const SERVICES = ["auth-service", "sync-gateway", "presence-service"];
const SERVICE_OF = { "auth-service": "auth-service", "sync-gateway": "sync-gateway", "presence-service": "presence-service" };

// ---------------------------------------------------------------- the routing table

/** Rows of the table between the routing-table markers: {path, match, service}. */
function routingTable(file) {
  const text = readFileSync(file, "utf8");
  const block = text.split("<!-- routing-table")[1]?.split("<!-- /routing-table -->")[0];
  if (!block) throw new Error(`${file}: no routing table between <!-- routing-table --> markers`);
  const rows = [];
  for (const line of block.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 4 || !cells[1].startsWith("`")) continue;
    const service = SERVICES.find((s) => cells[3].startsWith(s)) ?? (cells[1] === "`/`" ? "web" : cells[3]);
    rows.push({ path: cells[1].replaceAll("`", ""), match: cells[2], service });
  }
  return rows;
}

const key = (r) => `${r.match} ${r.path} -> ${r.service}`;

function compareRoutes(label, table, actual) {
  const want = new Set(table.map(key));
  const have = new Set(actual.map(key));
  const problems = [];
  for (const k of want) if (!have.has(k)) problems.push(`missing: ${k}`);
  for (const k of have) if (!want.has(k)) problems.push(`not in the routing table: ${k}`);
  check(`${label}: routes exactly the routing table (${want.size} routes)`, problems);
}

/** nginx: "location = /x" is exact; "location /x/" and "location = /x" together are a prefix. */
function nginxRoutes(file) {
  const text = readFileSync(file, "utf8");
  const vars = {};
  for (const m of text.matchAll(/set \$(\w+)\s+([\w-]+):(\d+);/g)) vars[m[1]] = m[2];
  const locations = [];
  const re = /location\s+(=\s+)?(\/[^\s{]*)\s*\{([^}]*)\}/g;
  for (const m of text.matchAll(re)) {
    const proxy = /proxy_pass http:\/\/\$(\w+)/.exec(m[3]);
    const service = proxy ? vars[proxy[1]] : /root\s/.test(m[3]) ? "web" : null;
    if (service) locations.push({ exact: Boolean(m[1]), path: m[2], service });
  }
  const routes = [];
  for (const l of locations) {
    if (l.path === "/") routes.push({ path: "/", match: "prefix", service: l.service });
    else if (l.path.endsWith("/")) {
      const base = l.path.slice(0, -1);
      const exact = locations.find((o) => o.exact && o.path === base);
      // "location /v1/auth/" alone is the prefix /v1/auth too (nothing is served at /v1/auth)
      routes.push({ path: base, match: "prefix", service: l.service });
      if (exact && exact.service !== l.service) routes.push({ path: base, match: "exact", service: exact.service });
    } else if (l.exact) {
      if (!locations.some((o) => o.path === `${l.path}/`)) routes.push({ path: l.path, match: "exact", service: l.service });
    } else {
      routes.push({ path: l.path, match: "prefix (nginx string prefix, not by segment)", service: l.service });
    }
  }
  return { routes, vars };
}

/** The Ingress objects of a render: Prefix and Exact paths to Services. */
function ingressRoutes(objects) {
  const routes = [];
  for (const o of objects.filter((x) => x.kind === "Ingress")) {
    for (const rule of o.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        routes.push({ path: p.path, match: p.pathType === "Exact" ? "exact" : "prefix", service: p.backend?.service?.name });
      }
    }
  }
  return routes;
}

/** Routes.java: route("id", (r) -> r.path("/a", "/a/**", ...).uri(auth | GATEWAYS | presence)). */
function frontDoorRoutes(file) {
  const text = readFileSync(file, "utf8");
  const routes = [];
  for (const m of text.matchAll(/\.route\("[\w-]+",\s*\(r\)\s*->\s*r\s*\.path\(([^)]*)\)[\s\S]*?\.uri\((\w+)\)\)/g)) {
    const service = { auth: "auth-service", presence: "presence-service", GATEWAYS: "sync-gateway" }[m[2]] ?? m[2];
    // .path(SOME_PATHS): the constant's array initializer, String[] SOME_PATHS = { "/a", ... }
    let args = m[1];
    const constant = args.trim().match(/^[A-Z_]+$/);
    if (constant) args = text.match(new RegExp(`\\b${constant[0]}\\s*=\\s*\\{([^}]*)\\}`))?.[1] ?? "";
    const paths = [...args.matchAll(/"([^"]+)"/g)].map((p) => p[1]);
    for (const p of paths) {
      // two routes for the same paths (by method) are one row of the table
      if (routes.some((r) => r.path === p.replace(/\/\*\*$/, "") && r.service === service)) continue;
      // "/a/**" is the prefix /a (with or without "/a" itself: nothing is served at a bare
      // prefix that has no exact route); "/a" alone is exact
      if (p.endsWith("/**")) routes.push({ path: p.slice(0, -3), match: "prefix", service });
      else if (!paths.includes(`${p}/**`)) routes.push({ path: p, match: "exact", service });
    }
  }
  // "/" is the web client's static files (spring.web.resources), when web/ exists
  if (/static-locations/.test(readFileSync(path.join(path.dirname(file), "FrontDoor.java"), "utf8"))) {
    routes.push({ path: "/", match: "prefix", service: "web" });
  }
  return routes;
}

// ---------------------------------------------------------------- what each application has

function flatten(object, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(object ?? {})) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, name, out);
    else out.set(name, v);
  }
  return out;
}

/** application.yaml of a service, flattened. */
function applicationYaml(repo, service) {
  return flatten(parseYaml(readFileSync(path.join(repo, service, "src/main/resources/application.yaml"), "utf8")));
}

/** The settings docs/configuration.md documents for a service ("## service" section tables). */
function documentedSettings(repo, service) {
  const text = readFileSync(path.join(repo, "docs/configuration.md"), "utf8");
  const section = text.split(/^## /m).find((s) => s.startsWith(service)) ?? "";
  const names = [];
  for (const line of section.split("\n")) {
    const first = line.split("|")[1] ?? "";
    const tokens = [...first.matchAll(/`([^`]+)`/g)].map((t) => t[1]);
    if (tokens.length === 0 || !tokens[0].includes(".")) continue;
    const parent = tokens[0].slice(0, tokens[0].lastIndexOf("."));
    for (const t of tokens) names.push(t.includes(".") ? t : `${parent}.${t}`);
  }
  return names;
}

const normalize = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
// Read by the JVM or the image, not by Spring.
const NOT_SPRING = new Set(["JAVA_TOOL_OPTIONS", "JAVA_OPTS", "TZ"]);

/** Env var names that bind to no property of the service (Spring's relaxed binding). */
function unboundEnv(repo, service, names) {
  const known = [...applicationYaml(repo, service).keys(), ...documentedSettings(repo, service),
    "spring.config.import", "spring.profiles.active"].map(normalize);
  return names.filter((name) => {
    if (NOT_SPRING.has(name)) return false;
    const n = normalize(name);
    // a property, or an element of a list/map property (CLIPSYNC_TOKENS_SIGNINGKEYS_0_ID)
    return !known.some((k) => n === k || (n.startsWith(k) && /^[0-9]/.test(n.slice(k.length))));
  });
}

function serverPort(repo, service) {
  return Number(applicationYaml(repo, service).get("server.port"));
}

// ---------------------------------------------------------------- Kubernetes

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function serviceOfImage(image) {
  return SERVICES.find((s) => image?.includes(`clipsync/${s}`));
}

function checkKubernetes(repo, label, objects, table) {
  const deployments = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
  const configMaps = objects.filter((o) => o.kind === "ConfigMap");
  // Services select exactly one Deployment and target a declared port
  for (const svc of objects.filter((o) => o.kind === "Service")) {
    const problems = [];
    const selected = deployments.filter((d) => matches(svc.spec?.selector, d.spec?.template?.metadata?.labels));
    if (selected.length !== 1) {
      problems.push(`selector ${JSON.stringify(svc.spec?.selector)} matches ${selected.length} Deployments' pods (want 1)`);
    } else {
      const ports = selected[0].spec.template.spec.containers.flatMap((c) => c.ports ?? []);
      for (const p of svc.spec.ports ?? []) {
        const target = p.targetPort ?? p.port;
        if (!ports.some((cp) => cp.name === target || cp.containerPort === target)) {
          problems.push(`targetPort ${target} is not a port of ${selected[0].metadata.name}'s containers`);
        }
      }
    }
    check(`${label}: Service ${svc.metadata.name} selects one Deployment's pods on a declared port`, problems);
  }
  for (const d of deployments) {
    for (const c of d.spec.template.spec.containers) {
      const service = serviceOfImage(c.image);
      if (!service) continue;
      const app = applicationYaml(repo, service);
      const port = serverPort(repo, service);
      const problems = [];
      const named = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      for (const p of c.ports ?? []) {
        if (p.name === "http" && p.containerPort !== port) problems.push(`containerPort ${p.containerPort}, but ${service} listens on ${port} (server.port)`);
      }
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        const get = c[probe]?.httpGet;
        if (!get) continue;
        const probePort = typeof get.port === "string" ? named[get.port] : get.port;
        if (probePort !== port) problems.push(`${probe} asks port ${get.port} (${probePort}), ${service} listens on ${port}`);
        const served = /^\/actuator\/health\/(liveness|readiness)$/.test(get.path)
          && app.get("management.endpoint.health.probes.enabled") === true
          && String(app.get("management.endpoints.web.exposure.include")).split(",").includes("health");
        if (!served) problems.push(`${probe} asks ${get.path}, which ${service} does not serve`);
      }
      const env = (c.env ?? []).map((e) => e.name);
      for (const from of c.envFrom ?? []) {
        const cm = configMaps.find((m) => m.metadata.name === from.configMapRef?.name);
        if (cm) env.push(...Object.keys(cm.data ?? {}));
      }
      for (const name of unboundEnv(repo, service, env)) problems.push(`env ${name} binds to no property of ${service}`);
      check(`${label}: Deployment ${d.metadata.name}: ports, probes and environment fit ${service}`, problems);
    }
  }
  // NetworkPolicies: the ingress controller reaches exactly the routed services' ports
  const fromIngress = (peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "ingress-nginx";
  const needed = new Set(table.filter((r) => SERVICES.includes(r.service)).map((r) => `${r.service}:${serverPort(repo, r.service)}`));
  const allowed = new Set();
  for (const np of objects.filter((o) => o.kind === "NetworkPolicy")) {
    const target = deployments.find((d) => matches(np.spec?.podSelector?.matchLabels, d.spec.template.metadata.labels));
    const service = target && serviceOfImage(target.spec.template.spec.containers[0].image);
    for (const rule of np.spec?.ingress ?? []) {
      if (!(rule.from ?? []).some(fromIngress)) continue;
      for (const p of rule.ports ?? []) allowed.add(`${service ?? np.metadata.name}:${p.port}`);
    }
  }
  const problems = [];
  for (const n of needed) if (!allowed.has(n)) problems.push(`the routing table needs ${n} from the ingress controller; no NetworkPolicy allows it`);
  for (const a of allowed) if (!needed.has(a)) problems.push(`the ingress controller may reach ${a}, which no route needs`);
  check(`${label}: NetworkPolicies let the ingress controller reach exactly ${[...needed].sort().join(", ")}`, problems);
  // the Ingress routes the routing table (the web client has no image to serve it in Kubernetes)
  compareRoutes(`${label}: Ingress`, table.filter((r) => r.service !== "web"), ingressRoutes(objects));
}

// ---------------------------------------------------------------- Compose

function checkCompose(repo, file, nginxVars) {
  const compose = parseYaml(readFileSync(file, "utf8"), { merge: true });
  for (const [name, svc] of Object.entries(compose.services ?? {})) {
    const service = serviceOfImage(svc.image);
    if (!service) continue;
    const env = Object.keys(svc.environment ?? {});
    const problems = unboundEnv(repo, service, env).map((n) => `env ${n} binds to no property of ${service}`);
    const port = Number(svc.environment?.SERVER_PORT ?? serverPort(repo, service));
    const upstream = Object.entries(nginxVars).find(([, host]) => host === service || (service === "sync-gateway" && host === "sync-gateway"));
    if (upstream && Number(nginxVars[`${upstream[0]}_port`] ?? port) !== port) problems.push(`nginx sends ${service} traffic to another port`);
    check(`compose: ${name}: environment fits ${service}, port ${port}`, problems);
  }
}

// ---------------------------------------------------------------- main

function main(argv) {
  let repo = ".";
  const k8s = [];
  let compose, nginx, frontDoor, routes;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--repo") repo = value;
    else if (flag === "--k8s") k8s.push(value.split(/=(.*)/s).slice(0, 2));
    else if (flag === "--compose") compose = value;
    else if (flag === "--nginx") nginx = value;
    else if (flag === "--front-door") frontDoor = value;
    else if (flag === "--routes") routes = value;
    else throw new Error(`unknown argument ${flag}`);
  }
  const table = routingTable(routes ?? path.join(repo, "docs/deploy.md"));
  let nginxVars = {};
  if (nginx) {
    const parsed = nginxRoutes(nginx);
    nginxVars = parsed.vars;
    compareRoutes("nginx", table, parsed.routes);
  }
  if (frontDoor) compareRoutes("front door", table, frontDoorRoutes(frontDoor));
  for (const [label, file] of k8s) {
    const objects = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
    checkKubernetes(repo, label, objects, table);
  }
  if (compose) checkCompose(repo, compose, nginxVars);
  console.log(`counts: ${passed} ${failed}`);
  process.exitCode = failed ? 1 : 0;
}

main(process.argv.slice(2));

// Query built layers with the reader's own search code (themes/reader/assets/sotay/search.js) in node.
// Usage: node pagefind_query.mjs SITE_DIR LAYER_PREFIX[,LAYER_PREFIX...] QUERY...
// Prints one JSON line per query: {"query", "urls", "titles"}. Files are read from SITE_DIR; any other
// fetch fails, so the test also proves the index needs nothing from the network.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

globalThis.fetch = async (input) => {
  const url = typeof input === "string" ? input : input.url;
  if (!url.startsWith("file:")) throw new Error("network fetch refused: " + url);
  try {
    return new Response(await readFile(fileURLToPath(url.split("?")[0])));
  } catch {
    return new Response("", { status: 404 });
  }
};

const [siteDir, layerList, ...queries] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const search = require(path.join(here, "../../themes/reader/assets/sotay/search.js"));
const layers = layerList.split(",").map((prefix) => ({
  url: pathToFileURL(path.join(siteDir, prefix)).href + "/",
  baseUrl: "/" + prefix + "/",
}));
const index = await search.open(layers);
for (const query of queries) {
  const found = await index.search(query);
  const data = await Promise.all(found.results.map((r) => r.data()));
  console.log(JSON.stringify({ query, urls: data.map((d) => d.url).sort(), titles: data.map((d) => d.meta.title) }));
}

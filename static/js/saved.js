// The Saved page (/saved): the episodes saved for offline in this browser (offline.js),
// their size, the space the browser reports, and Remove.
import { all } from "./notebook-store.js";
import { forget, megabytes, registerWorker } from "./offline.js";

async function usage(records) {
  const line = document.querySelector("#saved-usage");
  const total = records.reduce((sum, r) => sum + (r.bytes || 0), 0);
  let text = records.length ? `${records.length} episode${records.length === 1 ? "" : "s"}, ${megabytes(total)}.` : "";
  try {
    const estimate = navigator.storage && navigator.storage.estimate ? await navigator.storage.estimate() : null;
    if (estimate && estimate.quota) text += ` This site uses ${megabytes(estimate.usage || 0)} of the ${megabytes(estimate.quota)} the browser allows it.`;
  } catch {
    // no estimate: the sizes above say enough
  }
  line.textContent = text.trim();
}

function row(record, refresh) {
  const li = document.createElement("li");
  li.className = "saved-item";
  const link = document.createElement("a");
  link.href = record.page;
  link.className = "saved-title";
  link.textContent = record.title;
  const about = document.createElement("span");
  about.className = "saved-about";
  about.textContent = `${megabytes(record.bytes || 0)} · saved ${new Date(record.saved).toLocaleDateString()}`;
  const drop = document.createElement("button");
  drop.type = "button";
  drop.className = "button button--ghost button--small";
  drop.textContent = "Remove";
  drop.setAttribute("aria-label", `Remove “${record.title}” from this device`);
  drop.addEventListener("click", async () => {
    await forget(record);
    await refresh();
  });
  li.append(link, about, drop);
  return li;
}

async function refresh() {
  const records = await all("saved").catch(() => []);
  records.sort((a, b) => String(b.saved).localeCompare(String(a.saved)));
  document.querySelector("#saved-list").replaceChildren(...records.map((r) => row(r, refresh)));
  document.querySelector("#saved-empty").hidden = records.length > 0;
  await usage(records);
  document.querySelector("#saved-page").dataset.ready = "true";
}

registerWorker();
refresh();

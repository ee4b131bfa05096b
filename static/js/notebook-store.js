// Where the notebook lives: IndexedDB in the listener's browser (there are no accounts).
// Database "listenalong", version 1: the store "highlights" (keyPath id, index
// "episode"), records as notebook-model.js describes them; the store "saved" (keyPath
// slug) lists the episodes saved for offline (offline.js). A browser without IndexedDB
// (or with storage refused) gets a store that keeps nothing and says so.

const NAME = "listenalong";
const VERSION = 1;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let opening = null;

export function openDatabase() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!("indexedDB" in window)) {
        reject(new Error("This browser keeps no notebook (no IndexedDB)."));
        return;
      }
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("highlights")) {
          db.createObjectStore("highlights", { keyPath: "id" }).createIndex("episode", "episode");
        }
        if (!db.objectStoreNames.contains("saved")) db.createObjectStore("saved", { keyPath: "slug" });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error || new Error("The notebook could not be opened."));
    });
  }
  return opening;
}

async function run(storeName, mode, work) {
  const db = await openDatabase();
  const tx = db.transaction(storeName, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  const [result] = await Promise.all([work(tx.objectStore(storeName)), done]);
  return result;
}

/** One store's records: all, or those of ``episode`` (highlights). */
export function all(storeName, episode = null) {
  return run(storeName, "readonly", (store) => request(episode === null ? store.getAll()
    : store.index("episode").getAll(episode)));
}

export function put(storeName, ...records) {
  return run(storeName, "readwrite", (store) => Promise.all(records.map((r) => request(store.put(r)))));
}

export function remove(storeName, key) {
  return run(storeName, "readwrite", (store) => request(store.delete(key)));
}

// The preferences panel: theme, text size, line width, follow, highlight, shortcuts,
// headphone capture.
//
// Each choice is shown at once as a data attribute of <html> (the stylesheet and the
// scripts read those) and kept for this browser in one cookie, which the server reads to
// render every page in them from the first byte (webapp/core/preferences.py; the two agree
// on tests/fixtures/prefs_cases.json).

const COOKIE = "listenalong_prefs";
const YEAR = 365 * 24 * 3600;
const SWITCHES = ["follow", "highlight", "shortcuts", "capture"];
const CHOICES = ["theme", "size", "width"];

function current(form) {
  const values = {};
  for (const name of CHOICES) {
    const field = form.elements[name];
    if (field) values[name] = field.value;
  }
  for (const name of SWITCHES) {
    const box = form.elements[name];
    if (box) values[name] = box.checked;
  }
  return values;
}

/** The cookie's value for these choices (the server reads it: parse() in preferences.py). */
export function cookieValue(values) {
  const query = new URLSearchParams();
  for (const name of CHOICES) if (values[name]) query.set(name, values[name]);
  for (const name of SWITCHES) if (name in values) query.set(name, values[name] ? "1" : "0");
  return query.toString();
}

/** The <html data-*> attributes these choices show (the server renders the same ones:
 *  Preferences.html_attributes in preferences.py). */
export function attributesOf(values) {
  const shown = {};
  for (const name of CHOICES) if (values[name]) shown[name] = values[name];
  for (const name of SWITCHES) if (name in values) shown[name] = values[name] ? "on" : "off";
  return shown;
}

function save(values) {
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${COOKIE}=${cookieValue(values)}; Path=/; Max-Age=${YEAR}; SameSite=Lax${secure}`;
}

function apply(values) {
  Object.assign(document.documentElement.dataset, attributesOf(values));
}

export function startPrefs(page, player) {
  const dialog = document.querySelector("dialog#prefs");
  const button = page.querySelector("#prefs-button");
  const form = dialog && dialog.querySelector("#prefs-form");
  if (!dialog || !button || !form) return null;
  button.hidden = false;
  button.addEventListener("click", () => dialog.showModal());
  form.addEventListener("change", (event) => {
    const values = current(form);
    const layoutMoved = event.target.name === "size" || event.target.name === "width";
    apply(values);
    save(values);
    if (event.target.name === "follow" && values.follow) player.follow();
    if (layoutMoved && player.follower.replaceSoon) player.follower.replaceSoon(true);
  });
  return dialog;
}

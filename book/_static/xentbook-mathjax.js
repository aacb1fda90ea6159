/* MathJax for the book: formulas first, then their speech, and the menu when a reader asks.
 *
 * The page loads MathJax's parts rather than its all-in-one tex-chtml.js, whose context menu
 * (0.4 MB) most readers never open: the TeX input, the HTML output and the hidden MathML for
 * screen readers are all it takes to show every formula.
 *
 * Speech: every formula gets a spoken label (aria-label) from the speech rule engine, whose
 * code and English rules weigh 0.9 MB. Loaded before the first typeset they would hold back
 * every formula, so once the page is typeset and the browser idle, MathJax's semantic
 * enrichment is loaded and every formula is typeset again from its TeX, now with its label.
 *
 * The menu, and the explorer that walks through a formula by keyboard (which needs the menu's
 * code), load when a reader reaches for a formula: a right click, the keyboard's menu key, or
 * focus (the formulas are in the tab order, as MathJax's menu would put them). Then the
 * formulas are typeset again with both, and the menu opens where it was asked for. MathJax
 * 3.2's own way of loading the explorer (Accessibility > Activate in the menu) blanks every
 * formula; loaded this way, the menu finds the explorer there and only switches it on or off.
 * A reader who has changed a menu setting (kept by MathJax in localStorage) gets both at
 * once, so that the setting applies.
 */
window.MathJax = window.MathJax || {};
MathJax.loader = Object.assign({}, MathJax.loader, {
  load: ["input/tex", "output/chtml", "a11y/assistive-mml"],
});
MathJax.startup = Object.assign({}, MathJax.startup, {
  pageReady() {
    const parts = menuSettingsSaved() ? READER_TOOLS : SPEECH;
    return MathJax.startup.defaultPageReady().then(whenIdle).then(() => retypesetWith(parts));
  },
});
// MathJax's enrichment labels a formula's container without a role, and ARIA allows a label
// only on an element with one (axe: aria-prohibited-attr). Run after the labels (state 155).
MathJax.options = Object.assign({}, MathJax.options);
MathJax.options.renderActions = Object.assign({}, MathJax.options.renderActions, {
  mathRole: [156, (doc) => Array.from(doc.math).forEach(giveRole), giveRole],
});
document.addEventListener("contextmenu", openMenu, true);
document.addEventListener("focusin", loadReaderTools, true);

const SPEECH = ["a11y/semantic-enrich"];
const READER_TOOLS = ["a11y/explorer", "ui/menu"];
const MENU_STORAGE = "MathJax-Menu-Settings"; // MathJax's own key (ui/menu)
let readerTools = null;

function menuSettingsSaved() {
  try {
    return Boolean(window.localStorage.getItem(MENU_STORAGE));
  } catch (error) {
    return false; // storage blocked by the browser: MathJax cannot have saved any either
  }
}

function giveRole(math) {
  const root = math.typesetRoot;
  if (root && root.hasAttribute("aria-label") && !root.hasAttribute("role")) {
    root.setAttribute("role", "math");
  }
}

function whenIdle() {
  return new Promise((resolve) => (window.requestIdleCallback || setTimeout)(resolve));
}

function formulas() {
  return Array.from(document.querySelectorAll("mjx-container"));
}

// Load MathJax components that extend the document, rebuild the document with them and
// typeset every formula again from its TeX. This is what the menu does to load the explorer,
// minus reusing the typeset output, which is what blanks the formulas.
async function retypesetWith(parts) {
  const startup = MathJax.startup;
  const typeset = Array.from(startup.document.math);
  if (!typeset.length) return;
  await MathJax.loader.load(...parts);
  // Enrichment alone labels nothing unless asked to; the explorer asks for the same.
  const options = MathJax.config.options;
  options.sre = Object.assign({}, options.sre, { speech: "shallow" });
  const handlers = MathJax._.mathjax.mathjax.handlers;
  handlers.unregister(startup.handler);
  startup.handler = startup.getHandler();
  handlers.register(startup.handler);
  for (const item of typeset) {
    const root = item.typesetRoot;
    if (root && root.parentNode) {
      root.replaceWith(item.start.delim + item.math + item.end.delim);
    }
  }
  startup.output.reset();
  startup.document = keepSpeechOnRerender(startup.getDocument());
  await MathJax.typesetPromise();
  const menu = startup.document.menu;
  if (menu) {
    // Accessibility > Activate shows the explorer as on (it is).
    menu.settings.explorer = true;
  } else {
    formulas().forEach((formula) => (formula.tabIndex = 0));
  }
}

// The menu's settings (the explorer on or off, a scale, ...) re-render the formulas, but
// MathJax 3.2 labels a document's formulas once ("attach-speech" stays marked as done), so
// the re-rendered formulas would lose their labels.
function keepSpeechOnRerender(doc) {
  const rerender = doc.rerender.bind(doc);
  doc.rerender = (start) => {
    doc.processed.clear("attach-speech");
    return rerender(start);
  };
  return doc;
}

// Resolves once the menu and the explorer are in, after the speech (which pageReady adds).
function withReaderTools() {
  if (!readerTools) {
    readerTools = MathJax.startup.promise.then(() => {
      if (!MathJax.startup.document.menu) return retypesetWith(READER_TOOLS);
    });
    MathJax.startup.promise = readerTools;
  }
  return readerTools;
}

// The formula at the same place once every formula has been typeset again.
async function sameFormulaAfter(formula, loading) {
  const index = formulas().indexOf(formula);
  await loading;
  return formulas()[index];
}

async function loadReaderTools(event) {
  const formula = event.target.closest && event.target.closest("mjx-container");
  if (!formula || readerTools) return;
  const again = await sameFormulaAfter(formula, withReaderTools());
  if (again && document.activeElement !== again) again.focus();
}

async function openMenu(event) {
  const formula = event.target.closest && event.target.closest("mjx-container");
  if (!formula || MathJax.startup.document.menu) return;
  event.preventDefault();
  event.stopPropagation();
  const again = await sameFormulaAfter(formula, withReaderTools());
  if (!again) return;
  again.focus();
  const { clientX, clientY } = event;
  again.dispatchEvent(
    new MouseEvent("contextmenu", { bubbles: true, cancelable: true, clientX, clientY }),
  );
}

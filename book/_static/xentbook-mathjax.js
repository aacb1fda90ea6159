/* Speech for every formula, without weighing on the page's first load.
 *
 * MathJax's explorer gives each formula a spoken label (aria-label), computed in the page by
 * the speech rule engine, whose code and English rules weigh 0.9 MB. Loaded before the first
 * typeset they would hold back every formula; loaded from MathJax's menu (Accessibility >
 * Activate) they blank every formula (MathJax 3.2). So the page is typeset first; once the
 * browser is idle the explorer is loaded and every formula is typeset again from its TeX, now
 * with speech. The menu's Accessibility items then find the explorer loaded and only switch
 * it on or off.
 */
window.MathJax = window.MathJax || {};
MathJax.startup = Object.assign({}, MathJax.startup, {
  pageReady() {
    return MathJax.startup.defaultPageReady().then(whenIdle).then(addSpeech);
  },
});

function whenIdle() {
  return new Promise((resolve) => (window.requestIdleCallback || setTimeout)(resolve));
}

async function addSpeech() {
  const startup = MathJax.startup;
  const typeset = Array.from(startup.document.math);
  if (!typeset.length) return;
  await MathJax.loader.load("a11y/explorer");
  // A handler and document that include the explorer (what the menu does, minus reusing
  // the typeset output, which is what blanks the formulas).
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
  startup.document = startup.getDocument();
  await MathJax.typesetPromise();
  // The menu's Accessibility > Activate shows the explorer as on (it is).
  startup.document.menu.settings.explorer = true;
}

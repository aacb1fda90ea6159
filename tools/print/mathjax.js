// Stands in for the site's book/_static/xentbook-mathjax.js when a page is printed: the same
// MathJax parts (TeX input, HTML output, hidden MathML), typeset once. The site typesets every
// formula a second time to add spoken labels, which a printed page does not use.
window.MathJax = window.MathJax || {};
MathJax.loader = Object.assign({}, MathJax.loader, {
  load: ["input/tex", "output/chtml", "a11y/assistive-mml"],
});

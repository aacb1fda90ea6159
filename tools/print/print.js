// Print preparation of the PDFs, run in the page by tools/_build.py (the site never loads it).
window.xentbookPrint = (() => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const left = {};
  let frontMatter = [];

  // Wait until MathJax has typeset every formula and every image has loaded; open dropdowns.
  async function ready() {
    for (let i = 0; i < 600 && !window.MathJax?.startup?.promise; i++) await sleep(50);
    if (window.MathJax?.startup?.promise) await MathJax.startup.promise;
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
    document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
    const images = Array.from(document.images);
    images.forEach((img) => { img.loading = "eager"; });
    await Promise.all(images.map((img) => img.decode().catch(() => null)));
    const math = Array.from(document.querySelectorAll("span.math, div.math"));
    return {
      untypeset: math.filter((m) => !m.querySelector("mjx-container")).length,
      broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src),
    };
  }

  // Each line of a code block becomes its own block with a hanging indent, so that a wrapped
  // line continues under its own indentation. Open spans are closed and reopened at each
  // line break, so a token that spans lines keeps its colour.
  function hangLines(pre) {
    const open = [];
    const lines = [""];
    for (const [, tag, text] of pre.innerHTML.matchAll(/(<[^>]+>)|([^<]+)/g)) {
      if (tag) {
        if (tag.startsWith("</")) open.pop();
        else if (!tag.endsWith("/>")) open.push(tag);
        lines[lines.length - 1] += tag;
        continue;
      }
      const parts = text.split("\n");
      lines[lines.length - 1] += parts[0];
      for (const part of parts.slice(1)) {
        lines[lines.length - 1] += "</span>".repeat(open.length);
        lines.push(open.join("") + part);
      }
    }
    if (lines.length > 1 && lines[lines.length - 1].replace(/<[^>]+>/g, "") === "") lines.pop();
    pre.innerHTML = lines
      .map((line) => {
        const indent = line.replace(/<[^>]+>/g, "").match(/^ */)[0].length;
        return `<span class="xb-line" style="--xb-indent: ${indent}">${line || " "}</span>`;
      })
      .join("");
  }

  // Scale a display formula wider than its column down to the column's width.
  function fitMath(container) {
    const room = container.parentElement.clientWidth;
    const needed = container.scrollWidth;
    if (needed > room && room > 0) {
      container.style.fontSize = `${Math.floor((1000 * room) / needed) / 10}%`;
    }
  }

  function layout() {
    document.querySelectorAll("pre").forEach(hangLines);
    document.querySelectorAll('mjx-container[display="true"]').forEach(fitMath);
  }

  function headingOf(section) {
    return section.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4");
  }

  function plain(heading) {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((e) => e.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function entry(heading, level, id, entries) {
    heading.id = id;
    entries.push({ id, level, title: plain(heading) });
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((e) => e.remove());
    const li = document.createElement("li");
    li.className = `xb-level-${level}`;
    li.innerHTML = `<a href="#${id}"><span class="xb-entry"></span><span class="xb-page"></span></a>`;
    li.querySelector(".xb-entry").append(...copy.childNodes);
    return li;
  }

  // Rebuild the page as the body of a printed book: each unit (a document of the table of
  // contents) on its own named page, whose header is its title. The front matter (a title page
  // and a contents list) is made aside and printed after the body by front(), once the body's
  // print has shown where each entry starts. `units`: [{doc, part}] in order, `leave`: the
  // documents left out. Sphinx's single-page builder marks where each document starts with an
  // empty span#document-NAME; the root document has none and is the article's first section.
  // Returns the contents entries.
  function book({ title, lines, units, leave }) {
    const article = document.querySelector("article.bd-article") || document.body;
    const root = article.querySelector("section");
    const sectionOf = (doc) =>
      left[doc] || document.getElementById(`document-${doc}`)?.nextElementSibling || root;
    const found = units.map((u) => ({ ...u, section: sectionOf(u.doc) }));
    // Kept aside, so that a later book() on the same page can print them (the API reference).
    leave.forEach((doc) => {
      left[doc] = sectionOf(doc);
      left[doc].remove();
    });
    // Only the book stays on the page: the site's header, sidebars and hidden dialogs would
    // otherwise make a first page of their own.
    for (let node = article; node !== document.body; node = node.parentElement) {
      for (const sibling of Array.from(node.parentElement.children)) {
        if (sibling !== node && sibling.tagName !== "SCRIPT") sibling.remove();
      }
    }
    const cover = document.createElement("div");
    cover.className = "xb-title-page";
    cover.innerHTML = "<h1></h1>" + lines.map(() => "<p></p>").join("");
    cover.querySelector("h1").textContent = title;
    cover.querySelectorAll("p").forEach((p, i) => { p.textContent = lines[i]; });
    const contents = document.createElement("nav");
    contents.className = "xb-contents";
    contents.innerHTML = "<h1>Contents</h1><ol></ol>";
    const list = contents.querySelector("ol");
    // Chromium writes a named destination (with its page) for each target of a link in the
    // document, shown or not: the contents' links, hidden in the body's print, mark where
    // each entry starts.
    contents.style.display = "none";
    const body = document.createElement("div");
    body.append(contents, ...found.map((u) => u.section));
    article.replaceChildren(body);
    const pages = [];
    const entries = [];
    let part = null;
    found.forEach((u, i) => {
      if (u.part && u.part !== part) {
        const caption = document.createElement("li");
        caption.className = "xb-part";
        caption.textContent = u.part;
        list.append(caption);
      }
      part = u.part;
      const heading = headingOf(u.section);
      list.append(entry(heading, 1, `xb-s${entries.length}`, entries));
      for (const sub of u.section.querySelectorAll("section")) {
        const h = headingOf(sub);
        if (h && sub.parentElement.closest("section") === u.section) {
          list.append(entry(h, 2, `xb-s${entries.length}`, entries));
        }
      }
      u.section.classList.add("xb-unit");
      u.section.style.page = `xb-u${i}`;
      pages.push(`@page xb-u${i} { @top-left { content: ${JSON.stringify(plain(heading))}; font: italic 9pt/1 sans-serif; color: #444; } }`);
    });
    // The wrappers whose documents moved out are empty now, but keep their margins.
    body.querySelectorAll(".toctree-wrapper").forEach((w) => {
      if (!w.querySelector("section")) w.remove();
    });
    const style = document.createElement("style");
    style.textContent = pages.join("\n");
    document.head.append(style);
    // Links into what this PDF leaves out (the API reference, say) become plain text.
    for (const a of document.querySelectorAll('a[href^="#"]')) {
      const target = decodeURIComponent(a.getAttribute("href").slice(1));
      if (target && !document.getElementById(target)) {
        const span = document.createElement("span");
        span.append(...a.childNodes);
        a.replaceWith(span);
      }
    }
    frontMatter = [cover, contents];
    return entries;
  }

  // Put the front matter of the last book() on the page in place of its body, which has been
  // printed: the title page and the contents, where `pages` gives the page number each entry
  // "xb-sN" starts on. Each entry's id stays on the page as an empty anchor, so that Chromium
  // keeps the contents' links, named after the entries; in the joined PDF those names lead to
  // the body's pages.
  function front(pages) {
    const [cover, contents] = frontMatter;
    for (const a of contents.querySelectorAll(`a[href^="#xb-s"]`)) {
      const id = a.getAttribute("href").slice(1);
      a.querySelector(".xb-page").textContent = pages[id];
      // The heading was printed with the body; the link's target stands in for it.
      const anchor = document.createElement("span");
      anchor.id = id;
      contents.append(anchor);
    }
    contents.style.display = "";
    const article = document.querySelector("article.bd-article") || document.body;
    article.replaceChildren(cover, contents);
  }

  return { ready, layout, book, front };
})();

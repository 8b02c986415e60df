/* site.js: small progressive enhancements for the server-rendered pages
 *
 * Every page works without this file: forms post, links navigate.  The
 * Content-Security-Policy allows only scripts from the site itself, so
 * nothing here relies on inline handlers; everything is delegated from
 * the document.  Plain ES2017, no build step.
 */
(function () {
	'use strict';

	var FONT_KEY = 'fz-font-size';
	var FONT_SIZES = ['small', 'medium', 'large'];
	var root = document.documentElement;

	function closest(node, selector) {
		return node && node.closest ? node.closest(selector) : null;
	}

	/* ---- confirmation before destructive actions ---- */

	/* A form, or the button that submits it, may carry data-confirm.
	 * Listening in the capture phase stops the event before htmx or any
	 * other handler on the element sees it. */
	document.addEventListener('submit', function (e) {
		var form = e.target;
		var by = e.submitter;
		var msg = (by && by.getAttribute('data-confirm')) ||
			form.getAttribute('data-confirm');

		if (msg && !window.confirm(msg)) {
			e.preventDefault();
			e.stopPropagation();
		}
	}, true);

	/* Links and buttons that do not submit a form (htmx triggers, for
	 * instance) are confirmed on click; submit buttons are left to the
	 * submit handler above so nobody is asked twice. */
	document.addEventListener('click', function (e) {
		var el = closest(e.target, '[data-confirm]');

		if (!el || el.tagName === 'FORM')
			return;
		if (el.form && (el.type === 'submit' || el.type === 'image'))
			return;
		if (!window.confirm(el.getAttribute('data-confirm'))) {
			e.preventDefault();
			e.stopPropagation();
		}
	}, true);

	/* ---- CSRF token on htmx requests ---- */

	function csrfToken() {
		var meta = document.querySelector('meta[name="csrf-token"]');

		return meta ? meta.getAttribute('content') : '';
	}

	function sameOrigin(path) {
		try {
			return new URL(path, window.location.href).origin ===
				window.location.origin;
		} catch (err) {
			return false;
		}
	}

	/* Only htmx fires this event; the token never leaves the site. */
	document.addEventListener('htmx:configRequest', function (e) {
		var token = csrfToken();

		if (!window.htmx || !token || !e.detail)
			return;
		if (e.detail.path && !sameOrigin(e.detail.path))
			return;
		e.detail.headers['X-CSRF-Token'] = token;
	});

	/* htmx would add its indicator rules as an inline <style>, which
	 * the policy blocks; site.css carries the same rules.  Deferred
	 * scripts all run before DOMContentLoaded, when htmx inserts it. */
	function quietHtmx() {
		if (window.htmx && window.htmx.config)
			window.htmx.config.includeIndicatorStyles = false;
	}

	/* ---- print and close buttons ---- */

	document.addEventListener('click', function (e) {
		var el = closest(e.target, '[data-action]');
		var action = el ? el.getAttribute('data-action') : '';

		if (action === 'print') {
			e.preventDefault();
			window.print();
		} else if (action === 'close') {
			e.preventDefault();
			window.close();
			/* Scripts may close only windows they opened; when the
			 * window is still here, go back instead. */
			window.setTimeout(function () {
				if (!window.closed)
					window.history.back();
			}, 100);
		}
	});

	/* ---- font size ---- */

	function storedFontSize() {
		try {
			return window.localStorage.getItem(FONT_KEY) || 'medium';
		} catch (err) {
			return 'medium';
		}
	}

	function applyFontSize(size) {
		var buttons, i;

		if (FONT_SIZES.indexOf(size) < 0)
			size = 'medium';
		FONT_SIZES.forEach(function (s) {
			root.classList.toggle('fs-' + s, s === size &&
					      s !== 'medium');
		});
		buttons = document.querySelectorAll('[data-font-size]');
		for (i = 0; i < buttons.length; i++)
			buttons[i].setAttribute('aria-pressed',
				buttons[i].getAttribute('data-font-size') ===
				size ? 'true' : 'false');
	}

	document.addEventListener('click', function (e) {
		var el = closest(e.target, '[data-font-size]');
		var size;

		if (!el)
			return;
		e.preventDefault();
		size = el.getAttribute('data-font-size');
		applyFontSize(size);
		try {
			window.localStorage.setItem(FONT_KEY, size);
		} catch (err) {
			/* Private mode: the choice lasts for this page only. */
		}
	});

	/* The class can be set before the first paint of the body. */
	applyFontSize(storedFontSize());
	quietHtmx();

	function ready() {
		quietHtmx();
		applyFontSize(storedFontSize());
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', ready);
	else
		ready();
}());

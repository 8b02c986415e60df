/* publication.h: the review-before-publish pipeline (先审查、后公开)
 *
 * An item of the government portal is drafted by the information
 * disclosure officer, reviewed by the confidentiality reviewer (保密审查),
 * approved by a department head or leader and published by the officer:
 * a case of the "publication" procedure (workflows/publication.json)
 * with a row in `publications` (portal/schema_sql.c) that holds what the
 * portal shows.  Every change goes through pub_create(), pub_act() and
 * pub_resolve(), the pages' and the API's only way in, and they add to
 * the engine's rules what a definition cannot say:
 *  - submitting for review runs the personal-data scanner (pii_scan(),
 *    PI-04) over the title, body, document number, source and the text
 *    of every attachment, and stores the findings masked;
 *  - each finding of the current review must be resolved by the
 *    reviewer, redacted or justified with a reason, before the review
 *    may pass, the item be approved or published ("findings_unresolved",
 *    409, naming how many of which kind are left);
 *  - publishing writes the redacted text (pii_redact()) into the row,
 *    withholds attachments whose findings were redacted and sets
 *    published_at; only then does the item reach the portal, its search
 *    index (search_index_item(), in the same transaction) and the
 *    outbound feeds (一事一审: its own review and approval, or nothing);
 *    withdrawal takes it out of all three.
 *
 * 索引号: "<organisation code>/<year>-<serial>", the organisation code the
 * 18-character unified social credit code of the publishing body (a
 * setting), the year that of the item's 生成日期, the serial five digits
 * at least, e.g. 11330624736120582U/2022-00001.  County portals write
 * index numbers in several ways (a 9-digit organisation code, a catalogue
 * path such as 001008003003); this form, the credit code first, is the
 * one Zhejiang's county sites commonly show.
 *
 * Public functions for the portal pages are marked "portal:" below.
 */
#ifndef FZ_PUBLICATION_H
#define FZ_PUBLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attach/attach.h"
#include "core/buf.h"
#include "core/util.h"
#include "engine/engine.h"

struct db;
struct desk_files;

#define PUB_PROCEDURE "publication"
/* A valid unified social credit code (GB 32100) for 新昌高新园区管理委员会
 * as an organ (11), registered in 新昌县 (330624); a placeholder until the
 * installation sets its own. */
#define PUB_ORG_CODE_DEFAULT "11330624736120582U"
#define PUB_PUBLISHER_DEFAULT "新昌高新园区管理委员会"
#define PUB_INDEX_SEQ_DIGITS 5
#define PUB_REASON_MAX 500          /* characters of a justification */
#define PUB_CODE_MAX 32             /* bytes of a catalogue code */
#define PUB_NAME_MAX 60             /* characters of a catalogue name */
#define PUB_LINK_MAX 300            /* bytes of a section's link */
#define PUB_LINK_LABEL_MAX 40       /* characters of its label */

/* ---- channels ---- */

struct pub_channel {
	const char *id;             /* "county_site" */
	const char *label;          /* 县政府网站 */
	const char *note;           /* who pulls it */
};

/* The outbound channels, in display order; the portal itself is no
 * channel: every published item is on it. */
extern const struct pub_channel pub_channels[];
extern const size_t pub_channel_count;
/* portal: the channel `id`, or NULL. */
const struct pub_channel *pub_channel_find(const char *id);
/* Check a comma-separated channel list ("county_site,wechat"; spaces
 * and duplicates allowed, "portal" accepted and left out, so that
 * "portal" alone says "no outbound channel" where an empty value would
 * count as not given) and write it normalised in display order to
 * `out`; 0, or FZ_ERR with err (400 "field_invalid"). */
int pub_channels_parse(const char *list, struct buf *out,
		       struct fz_err *err);

/* ---- settings ---- */

struct pub_settings {
	char org_code[19];          /* unified social credit code */
	char *publisher;            /* 发布机构 by default */
	char *terms;                /* sensitive terms, one a line */
};

/* The settings, defaults for those never set; 0 or a DB_E* code.
 * Release with pub_settings_release(). */
int pub_settings_load(struct db *db, struct pub_settings *s);
void pub_settings_release(struct pub_settings *s);
/* Save the organisation code (checked: pub_credit_code_valid()) and the
 * publisher's name (1 to 100 characters), audited ("publication.settings"
 * by `who`), in a transaction of its own.  0, or FZ_ERR with err. */
int pub_settings_save(struct db *db, const struct actor *who,
		      const char *org_code, const char *publisher,
		      struct fz_err *err);
/* Save the sensitive-terms list after checking it with
 * scan_terms_load(), audited ("publication.terms", with the number of
 * terms).  0, or FZ_ERR with err. */
int pub_terms_save(struct db *db, const struct actor *who, const char *text,
		   struct fz_err *err);
/* Whether `s` is an 18-character unified social credit code whose
 * check character is right (GB 32100-2015, MOD 31). */
bool pub_credit_code_valid(const char *s);

/* ---- 索引号 ---- */

/* "<org>/<year>-<seq>", the serial zero-padded to PUB_INDEX_SEQ_DIGITS. */
void pub_index_format(const char *org, int year, int64_t seq,
		      struct buf *out);
/* Take the next index number of `org` in `year` inside the caller's
 * write transaction: unique, and gap-free since a rolled-back
 * transaction returns its number.  0 or a DB_E* code. */
int pub_index_next(struct db *db, const char *org, int year,
		   struct buf *out);

/* ---- the catalogue (政府信息公开目录) ---- */

struct pub_category {
	int64_t id, parent_id;      /* parent 0 at the top */
	char *code, *name;
	char *link, *link_label;    /* 信息所在位置, "" without */
	int sort;
	bool disabled;
	int depth;                  /* 0 at the top */
	int64_t items;              /* published, not withdrawn */
};

struct pub_catalogue {
	struct pub_category *v;     /* in tree order: each parent before
				     * its children, siblings by sort */
	size_t n;
};

/* portal: the catalogue in tree order with each section's number of
 * published items; disabled sections only when `all`.  0 or a DB_E*
 * code; release with pub_catalogue_release(). */
int pub_catalogue_load(struct db *db, bool all, struct pub_catalogue *out);
void pub_catalogue_release(struct pub_catalogue *c);
/* portal: the section with id or code (the other NULL/0), or NULL. */
const struct pub_category *pub_category_find(const struct pub_catalogue *c,
					     int64_t id, const char *code);

struct pub_category_in {
	int64_t id;                 /* 0: a new section */
	const char *code;           /* [0-9A-Za-z_-], 1..PUB_CODE_MAX */
	const char *name;           /* 1..PUB_NAME_MAX characters */
	int64_t parent_id;          /* 0: top level */
	int64_t sort;
	bool disabled;
	const char *link;           /* pub_link_valid(); NULL or "": none */
	const char *link_label;     /* 0..PUB_LINK_LABEL_MAX characters */
};

/* Create or change a section: code unique, parent existing and not the
 * section itself or below it, link and label as pub_category_in says (a
 * label needs a link).  One transaction, audited ("catalogue.create" /
 * "catalogue.update", with every field).  0 with *id (may be NULL) set,
 * or FZ_ERR with err (400 "field_invalid", 409 "duplicate", 404). */
int pub_category_save(struct db *db, const struct actor *who,
		      const struct pub_category_in *in, int64_t *id,
		      struct fz_err *err);
/*
 * Whether `s` may be where a section's information lives (信息所在位置):
 * a path of this site (req_local_path()) or an absolute http:// or
 * https:// URL with a host, at most PUB_LINK_MAX bytes either way, with
 * no space or control character.  A section only points there; the link
 * is written into an href, so nothing else (javascript:, //host) passes.
 */
bool pub_link_valid(const char *s);
/* portal: whether a valid link leads off this site. */
bool pub_link_external(const char *s);

/* ---- items ---- */

struct pub_file {
	int64_t id;                 /* the attachment */
	bool dropped, withheld;
};

struct pub_item {
	int64_t id, case_id;
	char *index_no, *title, *body, *doc_no, *publisher, *source;
	char *formed_on;            /* YYYY-MM-DD */
	int64_t catalogue_id;
	char *catalogue_code, *catalogue_name;      /* "" without */
	char *channels;             /* "county_site,wechat" */
	int64_t published_at, withdrawn_at;
	char *withdraw_reason;
	int64_t visits;
	int review_round;
	int64_t created_by, created_at, updated_at;
	struct pub_file *files;     /* in upload order */
	size_t nfiles;
};

/* portal: the item `id` (any state when `any`, else only one published
 * at some time: published_at > 0, withdrawn or not).  0; 1 when there is
 * none; or a DB_E* code.  Release with pub_item_release(). */
int pub_get(struct db *db, int64_t id, bool any, struct pub_item *out);
void pub_item_release(struct pub_item *p);
/* The item of case `case_id`: 0 with *id set, 1 none, or DB_E*. */
int pub_of_case(struct db *db, int64_t case_id, int64_t *id);
/* portal: whether attachment `file` of item `id` may be sent to anyone:
 * the item is published and not withdrawn, the file is one of its own,
 * neither dropped nor withheld.  1 yes, 0 no, or a DB_E* code. */
int pub_file_public(struct db *db, int64_t id, int64_t file);
/* portal: the items published in `year` (China Standard Time; 0: any)
 * and sent to `channel` (NULL: all), not withdrawn; a figure of the
 * annual report (29 items on the county website in 2022).  0 or DB_E*. */
int pub_count_published(struct db *db, const char *channel, int year,
			int64_t *n);

/* Who acts and where the files are: the engine context of the actor
 * and the attachment store (read when a review begins). */
struct pub_env {
	const struct engine_ctx *e;
	struct attach_store store;
};

/*
 * Draft an item: the "draft" action's fields (title, body, catalogue as
 * a section code, formed_on, and optionally doc_no, source, publisher,
 * channels as a comma-separated list, attachments as ids of the actor's
 * unbound uploads).  `df` (may be NULL) holds files the page wrote,
 * recorded in the same transaction and added to "attachments".  The
 * item gets its index number in that transaction.  Joins the caller's
 * transaction when one is open (the caller then rolls back after a
 * refusal), else commits its own.  0 with *id (the item) set, or FZ_ERR
 * with err: the engine's refusal, or "field_invalid" for an unknown or
 * disabled section or channel.
 */
int pub_create(const struct pub_env *env, json_t *fields,
	       struct desk_files *df, int64_t *id, struct fz_err *err);

/*
 * Take `action` on item `id` with `fields` (may be NULL) and the page's
 * files `df` (may be NULL), with what the desk adds to the engine:
 *  - revise: the row follows the new fields; drop_files (attachment ids,
 *    comma-separated) removes attachments from the item;
 *  - submit: the scanner runs (attachments are read first, outside the
 *    transaction; "changed" 409 when the item changed meanwhile) and the
 *    findings of a new review round are stored;
 *  - pass_review, approve, publish: refused while a finding of the round
 *    is unresolved ("findings_unresolved" 409); pass_review records the
 *    scanner's result in scan_summary (set here, whatever was given);
 *  - publish: redacted text, withheld attachments, published_at;
 *  - withdraw: withdrawn_at and the reason.
 * A refusal of approve or publish for the state ("wrong_state") says
 * that the item lacks its own review or approval.  Transactions as
 * pub_create().  0, or FZ_ERR with err.
 */
int pub_act(const struct pub_env *env, int64_t id, const char *action,
	    json_t *fields, struct desk_files *df, struct fz_err *err);

/*
 * The reviewer's decision on finding `finding` of item `id`:
 * `resolution` "redacted" (the published text shows the mask; a finding
 * in an attachment withholds the attachment) or "justified" (published
 * as it is; `reason` of 1 to PUB_REASON_MAX characters required).  Only
 * a confidentiality reviewer, only while the item is in review, only on
 * a finding of the current round; a decision may be changed until the
 * review passes.  Audited ("publication.finding"), one transaction.
 * 0, or FZ_ERR with err (403 "role_denied", 409 "wrong_state", 404,
 * 400 "reason_required").
 */
int pub_resolve(const struct pub_env *env, int64_t id, int64_t finding,
		const char *resolution, const char *reason,
		struct fz_err *err);

/* ---- findings ---- */

struct pub_finding {
	int64_t id;
	int round;
	char *source;               /* "body", "file:12" */
	char *kind;                 /* "id18", "mobile", ..., "manual" */
	int64_t start, length;      /* bytes of the source text */
	char *masked;
	char *resolution;           /* "", "redacted", "justified" */
	char *reason;
	int64_t resolved_by, resolved_at;
};

/* The findings of round `round` of item `id` (0: the current round),
 * by source and position.  0 or a DB_E* code; free with
 * pub_findings_free(). */
int pub_findings(struct db *db, int64_t id, int round,
		 struct pub_finding **out, size_t *n);
void pub_findings_free(struct pub_finding *v, size_t n);
/* The kind's label (公民身份号码, 手机号码, ..., 附件须人工核查). */
const char *pub_kind_label(const char *kind);
/* The source's label ("正文", "附件 12"). */
void pub_source_label(const char *source, struct buf *out);

/* ---- shared by the staff pages and the API (staff_pages.c) ---- */

struct req;
struct desk_ctx;

/* Whether the roles work on publications: the officer, the reviewer,
 * department heads and leaders (the definition's read_roles). */
bool pub_may_work(roleset roles);
/* The request's actor (desk_ctx_init()) and attachment store. */
void pub_env_init(struct req *r, struct desk_ctx *dc, struct pub_env *env);
/* The refusal for staff without one of those roles (403). */
int pub_forbidden(struct req *r);
/* An action's fields from the posted form (files aside): text with CR LF
 * made LF, the channel and drop_files check boxes joined by commas. */
json_t *pub_form_fields(struct req *r, const struct wf_action *a);
/* The item of path parameter 0: 0 with `p` filled, or the status of the
 * reply already prepared (404).  The caller releases `p` either way. */
int pub_path_item(struct req *r, struct pub_item *p);

/* The state's label as a badge. */
void pub_state_badge(struct buf *b, const struct workflow *w,
		     const char *state);
/* The inputs of a draft (create) or of a revision: title, section,
 * 生成日期 (create only), 文号, 信息来源, 发布机构 (`publisher` as the
 * placeholder), channels, body, attachments; ids `prefix` + name, values
 * from `values` (may be NULL). */
void pub_item_inputs(struct buf *b, const char *prefix, json_t *values,
		     const struct pub_catalogue *cat, const char *publisher,
		     bool create);

/* ---- attachment text (staff_extract.c) ---- */

#define PUB_EXTRACT_MAX ((size_t)4 << 20)   /* bytes of text per file */

enum {
	PUB_TEXT_NONE = 0,          /* no text could be read */
	PUB_TEXT_FULL = 1,          /* all of its text */
	PUB_TEXT_PARTIAL = 2,       /* some; the rest could not be decoded */
};

/*
 * The text of an attachment for the scanner, appended to `out`:
 *  - text/plain: the file as it is (bytes that are not UTF-8 dropped);
 *  - PDF: the strings shown by the text operators (Tj, TJ, ', ") of its
 *    content streams, uncompressed or FlateDecode, one line per text
 *    object; strings in fonts with a two-byte encoding (Type0, as most
 *    Chinese PDFs use) cannot be decoded without the font's tables, so a
 *    PDF with such fonts, or with streams in other filters, is PARTIAL;
 *  - docx and xlsx: the document, headers, footers, shared strings and
 *    sheets with the XML tags removed, a paragraph, cell or row ending in
 *    a line break;
 *  - anything else (images, doc, xls, ofd): NONE.
 * At most PUB_EXTRACT_MAX bytes (more makes it PARTIAL).  Returns one of
 * the values above, or FZ_ERR for a file that is not what its type says
 * (the caller treats that as NONE: the reviewer looks at the file).
 */
int pub_extract_text(const char *mime, const uint8_t *data, size_t n,
		     struct buf *out);

#endif

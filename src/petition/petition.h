/* petition.h: the petitions and hotline desk (信访·热线) — shared pieces
 *
 * Private to src/petition (and the disclosure pages of src/ogi).  The
 * desk runs three procedures of the case engine: "petition" and
 * "hotline" (workflows/petition.json and hotline.json), the petitions
 * office's, and "disclosure" (workflows/disclosure.json), applications
 * for government information (依申请公开), the disclosure officer's.
 * Every change of a case goes through case_create() and case_act().
 * What the engine does not keep lives in the table `petitioner`, one
 * row per case:
 *  - the person behind the case (for an application by a legal person
 *    or other organisation: its name and unified social credit code),
 *    each value sealed with pii_seal() under the server's keyring, plus
 *    blind indexes of the phone and identity numbers for finding
 *    duplicates (PI-02, CR-03);
 *  - the department an accusation is about, whose staff must not see its
 *    content or its author (PI-06);
 *  - for cases submitted online, the SM3 hash and a blind index of the
 *    query code, and the citizen's rating of the reply.
 *
 * Files: ctx.c (engine contexts, who may read), party.c (the table, a
 * case with its petitioner for its reader, unmasking, the petitioner's
 * inputs), intake.c (opening a case with its petitioner), desk_util.c
 * (labels, names, badges), desk_form.c (forms drawn from a definition),
 * desk_list.c (the filtered list, through case_list()), desk_pages.c
 * (the list page and the home page's tasks), register_page.c
 * (registration), case_page.c (one case, its actions), public_pages.c
 * (online submission and query), cases_api.c (JSON), openapi.c (its
 * description), schema_sql.c (the table's migration).
 *
 * Where the procedures differ the desk asks which one a case is of
 * (desk_is_disclosure()): an application has no accused department and
 * no rating, its applicant may be an organisation, and who reads every
 * case and who may unmask follow its definition's read_roles and the
 * disclosure officer rather than the petitions office.
 */
#ifndef FZ_PETITION_H
#define FZ_PETITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attach/attach.h"
#include "audit/audit.h"
#include "core/buf.h"
#include "core/util.h"
#include "engine/engine.h"
#include "http/ratelimit.h"

struct db;
struct keyring;
struct req;

#define DESK_PAGE_SIZE 50           /* cases on a page of a list */
#define DESK_PAGE_SIZE_MAX 200      /* ... at most, as the API asks */
#define DESK_PAGE_MAX 100000        /* pages of a list one may ask for */
#define QUERY_CODE_LEN 12           /* characters of a query code */
#define UNMASK_REASON_MAX 200       /* characters of a reason to unmask */

/* ---- ctx.c: who acts ---- */

/* An engine context and the storage its actor points into. */
struct desk_ctx {
	struct engine_ctx e;
	char roles[256];
};

/* The signed-in user (or anonymous visitor) of `r` acting on `db` now:
 * actor via actor_from_req(), roles and department from r->user, the
 * server's calendar, clock_now().  `db` may be the group-commit writer's
 * connection (in a deferred request's run()). */
void desk_ctx_init(struct req *r, struct db *db, struct desk_ctx *c);
/* The same for a citizen's online submission: the visitor acts with the
 * roles of the procedure's create action, in the intake department (the
 * department of the first active petition officer, who accepts it). */
void desk_ctx_public(struct req *r, struct db *db, const struct workflow *w,
		     int64_t intake_dept, struct desk_ctx *c);
/* Department that receives online submissions of `procedure`: the
 * department of the first active account holding the role that
 * registers them (petition officer; disclosure officer for
 * "disclosure").  0 with *id set, 1 when there is none, or a DB_E*
 * code. */
int desk_intake_dept(struct db *db, const char *procedure, int64_t *id);
/* Whether the actor may see the case: the engine's rule
 * (case_may_read()), or the procedure calls on them now (an action of
 * the case is open to them: a legal adviser asked for an opinion), or
 * they acted on it before.  The lists follow the same rule. */
bool desk_may_read(const struct engine_ctx *ctx, const struct case_info *c);
/* Whether the user's roles let them see the personal data of a case of
 * `procedure` in full: petition officers and leaders for the petitions
 * office's procedures, disclosure officers and leaders for applications
 * for disclosure. */
bool desk_may_unmask(roleset roles, const char *procedure);

/* ---- party.c: the `petitioner` table ---- */

/* A person's details in the clear (owned strings, "" when not given;
 * NULL counts as ""); `org`: a legal person or other organisation,
 * whose name is its own and whose identity number is its unified social
 * credit code (an application for disclosure only). */
struct party {
	char *name, *id_number, *phone, *address;
	char *email;
	bool org;
};

/* What is stored about a case beside the engine's row. */
struct party_row {
	bool found;
	char *name, *id_number, *phone, *address;   /* sealed, "" if none */
	char *email;                                /* sealed, "" if none */
	int64_t accused_dept_id;
	bool online;
	char *satisfaction;         /* "" until the citizen rates */
	int64_t rated_at;
};

/* A new row, sealed and indexed, ready for party_insert(). */
struct party_new {
	struct buf name, id_number, phone, address, email;
	char phone_index[65], id_index[65];
	int64_t accused_dept_id;
	bool online;
	char query_hash[65], query_index[65];
	int64_t created_at;
};

/* Wipe the clear text and free it. */
void party_release(struct party *p);
void party_row_release(struct party_row *p);
void party_new_release(struct party_new *n);

/*
 * Check and normalise a person's details in place: the identity number
 * with pii_idcard_check() (stored in its 18-character form), or for an
 * organisation (p->org) as a unified social credit code with
 * uscc_valid() (GB 32100, upper case, without spaces); the phone with
 * pii_phone_normalise(); the e-mail address, if any, for its form; at
 * least a phone number or an address is needed to reply, and
 * `need_name` makes the name compulsory too.  0, or FZ_ERR with err
 * (400, "party_invalid") naming the problem.
 */
int party_check(struct party *p, bool need_name, struct fz_err *err);
/* Seal `p` under `kr` into `out` with its blind indexes. */
int party_seal(const struct keyring *kr, const struct party *p,
	       struct party_new *out, struct fz_err *err);
/* Insert the row of a new case (inside the caller's transaction). */
int party_insert(struct db *db, int64_t case_id, struct party_new *n);
/* Read the row of a case; p->found says whether there was one.  0 or a
 * DB_E* code. */
int party_load(struct db *db, int64_t case_id, struct party_row *p);
/* Open the sealed values of `p` into `out`; 0 or FZ_ERR with err. */
int party_open(const struct keyring *kr, const struct party_row *p,
	       struct party *out, struct fz_err *err);
/* The masked forms, as pii_mask_*() render them (an e-mail address
 * keeps its first character and its domain).  An organisation's name
 * and credit code are public registration data and stay as they are;
 * its contact details are masked. */
void party_masked(const struct party *p, struct party *out);

/* The case of path parameter 0 and its `petitioner` row, when the user
 * of `r` may read it (desk_may_read()), with their context in `ctx` and
 * in `hidden` whether it accuses their department (desk_hidden_from()).
 * 0, or the status of the reply already prepared: 404 for a case they
 * may not read, whatever its id (AC-02).  The caller releases `c` and
 * `row` (zeroed beforehand) either way. */
int desk_case_load(struct req *r, struct desk_ctx *ctx, struct case_info *c,
		   struct party_row *row, bool *hidden);

/*
 * The unmask step of the case page and the API (PI-02, AC-03): the
 * actor's roles must allow it (desk_may_unmask()), the case must have a
 * petitioner who is not hidden from the actor (desk_hidden_from(),
 * PI-06), and `reason`, trimmed, must be 1 to UNMASK_REASON_MAX
 * characters.  Then the view is audited ("pii.unmask" on "case:<id>"
 * with the case number, the reason and the fields that hold a value) in
 * a transaction of its own, before anything is shown.  0; 1 with `err`
 * set to the refusal (403 "forbidden", 400 "reason_required"); or a
 * DB_E* code.
 */
int party_unmask(struct req *r, const struct engine_ctx *ctx,
		 const struct case_info *c, const struct party_row *row,
		 const char *reason, struct fz_err *err);

/* Which form the petitioner's inputs are part of. */
enum party_form {
	PARTY_FORM_STAFF,           /* staff register a case: all optional */
	PARTY_FORM_ONLINE,          /* the citizen's own: name, phone needed */
	PARTY_FORM_APPLICANT_STAFF, /* staff register an application */
	PARTY_FORM_APPLICANT_ONLINE,    /* the applicant's own: name, identity
					 * document and phone needed */
	PARTY_FORM_KINDS
};

/* The petitioner's inputs (p_name, p_id_number, p_phone, p_address, and
 * on the forms of an application p_email) of form `kind`, showing the
 * values posted in `r`, if any. */
void party_inputs(struct buf *b, struct req *r, enum party_form kind);
/* The petitioner as posted in those inputs ("" for each one missing);
 * p->org is left false. */
void party_from_form(struct req *r, struct party *p);

/* A fresh query code of QUERY_CODE_LEN characters from an alphabet
 * without look-alikes (no 0 O 1 I L), its SM3 hash and its blind index. */
int query_code_new(const struct keyring *kr, char code[QUERY_CODE_LEN + 1],
		   char hash[65], char index[65]);
/* The case a query code and the last four digits of its phone number
 * open: 0 with *case_id set, 1 when they open none (the same answer for a
 * wrong code and wrong digits), or a DB_E* code. */
int query_code_find(struct db *db, const struct keyring *kr, const char *code,
		    const char *last4, int64_t *case_id);
/* Record the citizen's rating of a case's reply (inside a transaction). */
int party_rate(struct db *db, int64_t case_id, const char *satisfaction,
	       int64_t now);

/* Cases still being handled (not final, the primary clock not stopped:
 * case_handled()) of the procedures that go with the procedure of case
 * `except` (petitions and hotline tickets together; applications for
 * disclosure among themselves, where a repeat is a reason not to
 * process one again; petitions and hotline tickets when `except` is no
 * case), other than `except`, whose petitioner has the blind index
 * `phone_index` or `id_index` (either may be "" for none), then those
 * among the 300 newest whose title is like `title`
 * (dup_titles_similar()); at most 10, newest first within each kind, as
 * a JSON array of {id, number, title, state, procedure, why} (why:
 * "phone", "id_number" or "title").  0 or a DB_E* code. */
int party_duplicates(struct db *db, int64_t except, const char *phone_index,
		     const char *id_index, const char *title, json_t **out);
/* Whether two titles name one matter as a desk clerk reads them: with
 * white space and punctuation dropped, full-width letters and digits
 * folded, and the stock words that open or end a title ("反映", "关于",
 * "要求", "再次", "问题", ...) taken off both ends, more than half of
 * their character pairs are shared (Dice coefficient over bigrams
 * > 0.5).  "要求公开征地补偿标准" and "再次要求公开补偿标准" are alike;
 * "反映园区某路灯不亮" and "反映园区企业拖欠工资" are not. */
bool dup_titles_similar(const char *a, const char *b);
/* The blind indexes stored for a case ("" when none); 0 or DB_E*. */
int party_indexes(struct db *db, int64_t case_id, char phone[65],
		  char id[65]);

/* ---- intake.c: opening a case with its petitioner ---- */

/* ---- desk_files.c: the files a form carries into an action ---- */

struct desk_files {
	struct attach_store store;
	struct attach_file *files;  /* written, not yet recorded */
	char **fields;              /* the file field of each */
	size_t n;
};

/* Judge and write the request's uploads for action `a`: each must go to
 * one of its file fields (within the field's count) and pass
 * attach_check_all().  0 (also with no uploads), or FZ_ERR with err
 * filled and nothing left on disk. */
int desk_files_write(struct req *r, const struct wf_action *a,
		     struct desk_files *df, struct fz_err *err);
/* Record the written files in the open transaction and append their ids
 * to the file fields of `fields`.  0 or FZ_ERR. */
int desk_files_insert(struct db *db, struct desk_files *df,
		      int64_t uploaded_by, json_t *fields, struct fz_err *err);
/* Remove the written files from disk (the action failed), and release. */
void desk_files_discard(struct desk_files *df);
void desk_files_release(struct desk_files *df);
/* Take action `a` on a case with the form's fields and the request's
 * uploads: files written first, then their rows and the action in one
 * transaction; the files are removed again when anything fails.  An
 * action that would hand an accusation to the department it accuses
 * (its set_dept field names the petitioner row's accused_dept_id) is
 * refused first (409 "accused_dept", PI-06).  Every action the desk
 * takes on a case, page or API, comes through here.  0, or FZ_ERR with
 * err filled (that refusal, the engine's, or the upload's). */
int desk_act(struct req *r, struct engine_ctx *e, int64_t case_id,
	     const struct wf_action *a, json_t *fields, struct fz_err *err);

/* ---- files_page.c: a case's files ---- */

/* The files of a case as {"<id>": {name, size, field, at}}, empty when
 * none (or when they cannot be listed, which is logged). */
json_t *desk_case_files(struct req *r, int64_t case_id);
/* A link to download file `id` of the case, with its name and size. */
void desk_file_link(struct buf *b, int64_t case_id, json_t *files,
		    int64_t id);
/* The 材料 card: every file of the case, or a notice when `hidden`. */
void desk_files_card(struct buf *b, const struct case_info *c,
		     json_t *files, bool hidden);

struct intake {
	struct desk_ctx ctx;        /* its db is set where the work runs */
	const struct workflow *w;
	json_t *fields;             /* the create action's (owned) */
	bool with_party;            /* insert `party` with the case */
	struct party_new party;
	char *title;                /* owned; for finding duplicates */
	char code[QUERY_CODE_LEN + 1];  /* online: the code shown once */
	int64_t id;                 /* the new case */
	struct desk_files files;    /* uploads for the create action */
	struct fz_err err;          /* the engine's refusal */
	int (*done)(struct req *r, struct intake *in, int rc);
};

struct intake *intake_new(void);
void intake_free(struct intake *in);
/* Write the case (case_create()) and its petitioner row, then call
 * `done` on the worker with 0 or the failure to build the reply; the
 * intake is freed after it.  The handler returns what this returns
 * (HTTP_DEFERRED when the writes go through the group commit). */
int intake_submit(struct req *r, struct intake *in,
		  int (*done)(struct req *r, struct intake *in, int rc));
/* The reply for a failed intake: the engine's refusal with its status
 * and code, or the store failure. */
int intake_fail(struct req *r, struct intake *in, int rc);

/* ---- desk_list.c: the filtered list ---- */

#define DESK_LIST_PROCS 3           /* procedures a list may hold */

struct desk_filter {
	const char *procedure, *channel, *state;   /* "" for any */
	/* with procedure "": the procedures listed (NULL after the last;
	 * none set: every procedure of the desk) */
	const char *procedures[DESK_LIST_PROCS];
	bool all;                   /* the user reads every case listed */
	int64_t year, dept, page;
	int64_t size;               /* rows a page; 0: DESK_PAGE_SIZE */
	bool open;                  /* only cases not in a final state */
	/* the part of the desk the user may see (desk_may_read()), as
	 * struct case_filter's reach confines it (-1: nobody) */
	int64_t scope, scope_dept, scope_user;
	bool scope_legal;           /* cases waiting for a legal opinion */
};

struct desk_row {
	int64_t id, dept_id, origin_dept_id, assignee_id, merged_into;
	int64_t created_at, updated_at, closed_at;
	int version;
	bool final;
	char *procedure, *number, *state, *title, *channel, *category;
	const struct workflow *wf;
};

struct desk_list {
	struct desk_row *v;
	size_t n, max;              /* rows, room for a page */
	int64_t total;              /* rows on all pages */
};

/* The filter of ?procedure= ?channel= ?state= ?year= ?dept= ?open=1|0
 * ?page=, confined to what r->user may see (?dept= only counts for
 * readers of every case listed), DESK_PAGE_SIZE rows a page.  For the list
 * page: a value not valid counts as not given. */
void desk_filter_from(struct req *r, bool open_default, struct desk_filter *f);
/* The same for the API, strictly, with ?page_size= (1 to
 * DESK_PAGE_SIZE_MAX, default DESK_PAGE_SIZE) and ?open= defaulting to
 * 0.  An empty value counts as not given; any other that is not valid
 * (a procedure other than petition, hotline or disclosure, a channel or
 * state no definition of the desk has, a year outside 2000..9999, a
 * dept that is no positive integer, open other than 0 or 1, a page outside
 * 1..DESK_PAGE_MAX) is refused: FZ_ERR with err 400 "bad_filter"
 * naming the first such parameter. */
int desk_filter_check(struct req *r, struct desk_filter *f,
		      struct fz_err *err);
/* One page (f->size rows, DESK_PAGE_SIZE when 0), newest first, and the
 * total. */
int desk_list_load(struct db *db, const struct desk_filter *f,
		   struct desk_list *l);
void desk_list_release(struct desk_list *l);
/* A case as a row of the list, its strings borrowed from `c`. */
void desk_row_of(const struct case_info *c, struct desk_row *x);

/* ---- desk_form.c: forms drawn from the definition ---- */

struct desk_names;

/* One labelled input for field `f`, its id `prefix` + the field's name,
 * showing `v` (may be NULL). */
void desk_field_input(struct buf *b, const struct wf_field *f, bool required,
		      const char *prefix, json_t *v,
		      const struct desk_names *names);
/* The inputs of an action: its required fields, then its optional ones,
 * with the values in `values` (may be NULL). */
void desk_action_fields(struct buf *b, const struct wf_action *a,
			const char *prefix, json_t *values,
			const struct desk_names *names);
/* Whether a field of the action, required or optional, takes files. */
bool desk_action_has_files(const struct wf_action *a);
/* The action's fields from the submitted form, as a new JSON object of
 * strings (a list for a multiple department field; a case number is
 * turned into the case's id). */
json_t *desk_form_fields(struct req *r, const struct wf_action *a);

/* ---- desk_util.c: shared helpers ---- */

/* Whether `procedure` is one the desk handles ("petition", "hotline",
 * "disclosure"). */
bool desk_procedure(const char *procedure);
/* Whether `procedure` is the application for disclosure ("disclosure"). */
bool desk_is_disclosure(const char *procedure);
/* What the procedure calls the person a case is from: 申请人, 诉求人 (a
 * 12345 ticket, by phone, website, app or WeChat) or 信访人. */
const char *desk_party_word(const char *procedure);
/* Whether the roles read every case of `procedure` (its definition's
 * read_roles); for "" whether they read every case of the petitions
 * office (petitions and hotline tickets). */
bool desk_reads_all_of(roleset roles, const char *procedure);
/* The label of a procedure's channel value, of its category value. */
const char *desk_channel_label(const struct workflow *w, const char *id);
const char *desk_category_label(const struct workflow *w, const char *id);
/* Whether the case is an application by a legal person or other
 * organisation (applicant_type other than "natural"); the same for the
 * fields of a new case of `procedure`. */
bool desk_case_org(const struct case_info *c);
bool desk_fields_org(const char *procedure, json_t *fields);
/* Whether the case's content and petitioner must be hidden from this
 * user because the case accuses the user's department (PI-06). */
bool desk_hidden_from(const struct engine_ctx *ctx, int64_t accused_dept);

/* Departments and staff for selects, loaded once per page. */
struct desk_names {
	struct desk_name { int64_t id; char *name; } *depts, *users;
	size_t ndepts, nusers;
};
int desk_names_load(struct db *db, struct desk_names *n);
void desk_names_release(struct desk_names *n);
const char *desk_dept_name(const struct desk_names *n, int64_t id);
const char *desk_user_name(const struct desk_names *n, int64_t id);

/* " 已超期 N 天" / " 剩 N 个工作日" / " 今日到期" as a badge, or nothing
 * when the due day is further off. */
void desk_due_badge(struct buf *b, const struct calendar *cal, cal_day due,
		    cal_day today);
/* The case's state label as a badge. */
void desk_state_badge(struct buf *b, const struct case_info *c);

/* Text with line breaks as escaped paragraphs. */
void desk_paragraphs(struct buf *b, const char *text);

/* A local date and time "2026-11-27 07:01" into out[17]. */
void desk_time(int64_t t, char out[17]);
/* "YYYY-MM-DD" of today in China Standard Time. */
void desk_today(char out[11]);

/* The reply a citizen may read, or NULL: set once the reply is signed
 * (petition: approve_reply; hotline, disclosure: reply). */
const char *desk_reply_text(const struct case_info *c);
/* Whether the case's reply is out (so the citizen may rate a petition or
 * a hotline ticket's). */
bool desk_reply_out(const struct case_info *c);
/* The due date of the case's running primary (or, failing that, first
 * running supervised) clock: 1 with *due and *label (the clock's) set,
 * 0 when none runs, or a DB_E* code. */
int desk_due(struct db *db, int64_t case_id, cal_day *due,
	     const char **label, const struct workflow *w);

/* ---- public_pages.c: what the public pages of the desk share ---- */

/* Remember in a short-lived cookie `name` of this browser (HttpOnly,
 * SameSite=Strict, half an hour) the case just submitted and its query
 * code, for the confirmation page after the redirect; the code is wiped
 * from `code`. */
void desk_sent_set(struct req *r, const char *name, int64_t id,
		   char code[QUERY_CODE_LEN + 1]);
/* The case and code of cookie `name`: 0, or -1 when absent or
 * malformed. */
int desk_sent_get(struct req *r, const char *name, int64_t *id,
		  char code[QUERY_CODE_LEN + 1]);
/*
 * The case the posted query code ("code") and last four digits of the
 * phone ("last4") open, if it is an application for disclosure
 * (`disclosure`) or else a petition or hotline ticket: 0 with *id set;
 * 1 when they open none such (the same for a wrong code, wrong digits or
 * a case of the other kind; the caller shows its form again with 404);
 * or the status of a reply already prepared (429 when this address
 * looks up too often, or has failed too often: then refused before the
 * look-up, right code or wrong, so that a guesser learns nothing while
 * it waits; Retry-After set and r->err.msg saying when; or a store
 * failure).  Every look-up counts against the search limit, failed ones
 * also against the submission limit.
 */
int desk_code_lookup(struct req *r, bool disclosure, int64_t *id);
/* 429 for an address that must wait for a token of `kind` under `key`:
 * Retry-After, and in r->err `why` followed by after how many seconds to
 * try again, for the caller's form (its reply is prepared too). */
int desk_throttled(struct req *r, enum rl_kind kind, const char *key,
		   const char *why);

#endif

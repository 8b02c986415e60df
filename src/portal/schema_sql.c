/* schema_sql.c: publications and the disclosure catalogue (migrations 9
 * and 13)
 *
 * A publication is an item of the government portal.  Its path through
 * drafting, confidentiality review, approval, publication and withdrawal
 * is a case of the "publication" procedure (case_id,
 * workflows/publication.json); this row holds what the portal shows and
 * the metadata of Chinese government portals: 索引号 (index_no:
 * organisation code / year / serial, unique, given when the item is
 * created), 发布机构 (publisher), 生成日期 (formed_on, YYYY-MM-DD),
 * 发布日期 (published_at, 0 until published), 文号 (doc_no), 主题分类
 * (catalogue_id, from the 政府信息公开目录 the officer maintains),
 * 信息来源 (source).  body is plain text, paragraphs separated by line
 * breaks, never markup.  Until publication title, body, doc_no and
 * source are the draft; publishing replaces them with the redacted text
 * (the masks of the findings the reviewer chose to redact), and the
 * draft stays in the case's history.  withdrawn_at/withdraw_reason: the
 * portal then shows a withdrawal notice (410) and the history stays.
 * visits: the 访问次数 the portal shows, written in batches.
 * review_round counts the item's submissions to review; the findings of
 * the current round are those that gate it.
 *
 * publication_channels: the outbound channels an item goes to besides
 * the portal, which every published item is on (Art. 24): county_site
 * (县政府网站), wechat (园区公众号), province (浙江政务服务网); each pulls
 * the Atom feed /feeds/<channel>.xml.
 * publication_files: the item's attachments (rows of `attachments` bound
 * to its case); dropped: removed while drafting; withheld: not published
 * because the reviewer redacted a finding in it.
 * index_counters: the next serial of the 索引号 per organisation code and
 * year, taken in the transaction that creates the item (gap-free).
 * scan_findings: what the personal-data scanner found at review, masked
 * (the matched value itself is never stored), and how each finding was
 * resolved: redacted, or justified with a reason.  source is "title",
 * "body", "doc_no", "source" or "file:<attachment id>"; start_at and
 * length are bytes of that text as it was when the round began.
 *
 * The catalogue is seeded with the usual sections of a county-level
 * body's 政府信息公开目录; the officer may rename, reorder, disable and
 * extend them.
 */
#include <stddef.h>

extern const char portal_schema_sql[], portal_v13_sql[];

const char portal_schema_sql[] =
	"CREATE TABLE catalogue ("
	" id {ID},"
	" code TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" parent_id BIGINT REFERENCES catalogue(id),"
	" sort INTEGER NOT NULL DEFAULT 0,"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);\n"
	"CREATE TABLE publications ("
	" id {ID},"
	" case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),"
	" index_no TEXT NOT NULL UNIQUE,"
	" title TEXT NOT NULL,"
	" body TEXT NOT NULL DEFAULT '',"
	" doc_no TEXT NOT NULL DEFAULT '',"
	" publisher TEXT NOT NULL,"
	" source TEXT NOT NULL DEFAULT '',"
	" catalogue_id BIGINT REFERENCES catalogue(id),"
	" formed_on TEXT NOT NULL,"
	" published_at BIGINT NOT NULL DEFAULT 0,"
	" withdrawn_at BIGINT NOT NULL DEFAULT 0,"
	" withdraw_reason TEXT NOT NULL DEFAULT '',"
	" visits BIGINT NOT NULL DEFAULT 0,"
	" review_round INTEGER NOT NULL DEFAULT 0,"
	" created_by BIGINT REFERENCES users(id),"
	" created_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL);\n"
	"CREATE INDEX publications_public ON publications(published_at);\n"
	"CREATE INDEX publications_catalogue ON publications(catalogue_id,"
	" published_at);\n"
	"CREATE TABLE publication_channels ("
	" publication_id BIGINT NOT NULL REFERENCES publications(id),"
	" channel TEXT NOT NULL,"
	" PRIMARY KEY (publication_id, channel));\n"
	"CREATE INDEX publication_channels_channel ON"
	" publication_channels(channel, publication_id);\n"
	"CREATE TABLE publication_files ("
	" publication_id BIGINT NOT NULL REFERENCES publications(id),"
	" attachment_id BIGINT NOT NULL REFERENCES attachments(id),"
	" dropped INTEGER NOT NULL DEFAULT 0,"
	" withheld INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (publication_id, attachment_id));\n"
	"CREATE TABLE index_counters ("
	" org_code TEXT NOT NULL,"
	" year INTEGER NOT NULL,"
	" next_seq BIGINT NOT NULL,"
	" PRIMARY KEY (org_code, year));\n"
	"CREATE TABLE scan_findings ("
	" id {ID},"
	" publication_id BIGINT NOT NULL REFERENCES publications(id),"
	" round INTEGER NOT NULL,"
	" source TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" start_at BIGINT NOT NULL,"
	" length BIGINT NOT NULL,"
	" masked TEXT NOT NULL,"
	" resolution TEXT NOT NULL DEFAULT ''"
	"  CHECK (resolution IN ('', 'redacted', 'justified')),"
	" reason TEXT NOT NULL DEFAULT '',"
	" resolved_by BIGINT REFERENCES users(id),"
	" resolved_at BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);\n"
	"CREATE INDEX scan_findings_pub ON scan_findings(publication_id,"
	" round);\n"
	/* The default 政府信息公开目录 (top level, then sub-sections). */
	"INSERT INTO catalogue (code, name, sort, created_at) VALUES"
	" ('01', '机构职能', 10, 0),"
	" ('02', '政策文件', 20, 0),"
	" ('03', '规划计划', 30, 0),"
	" ('04', '行政许可', 40, 0),"
	" ('05', '财政信息', 50, 0),"
	" ('06', '重大建设项目', 60, 0),"
	" ('07', '土地征收', 70, 0),"
	" ('08', '通知公告', 80, 0),"
	" ('09', '征求意见', 90, 0),"
	" ('10', '法治政府建设', 100, 0),"
	" ('11', '政府信息公开年报', 110, 0),"
	" ('12', '其他', 120, 0);\n"
	"INSERT INTO catalogue (code, name, parent_id, sort, created_at)"
	" SELECT '0201', '规范性文件', id, 10, 0 FROM catalogue"
	" WHERE code = '02';\n"
	"INSERT INTO catalogue (code, name, parent_id, sort, created_at)"
	" SELECT '0202', '其他文件', id, 20, 0 FROM catalogue"
	" WHERE code = '02';\n"
	"INSERT INTO catalogue (code, name, parent_id, sort, created_at)"
	" SELECT '0203', '政策解读', id, 30, 0 FROM catalogue"
	" WHERE code = '02';\n"
	"INSERT INTO catalogue (code, name, parent_id, sort, created_at)"
	" SELECT '0501', '预算', id, 10, 0 FROM catalogue"
	" WHERE code = '05';\n"
	"INSERT INTO catalogue (code, name, parent_id, sort, created_at)"
	" SELECT '0502', '决算', id, 20, 0 FROM catalogue"
	" WHERE code = '05';\n";

/* Version 13: where a section's information is published when it is not
 * filed in the section itself (信息所在位置): a register of its own on
 * this site, such as /gk/permits, or another site, such as the provincial
 * 浙江政务服务网.  link is a local path or an http(s) URL, "" for none;
 * link_label the text of the link, "" to show the link itself. */
const char portal_v13_sql[] =
	"ALTER TABLE catalogue ADD COLUMN link TEXT NOT NULL DEFAULT '';\n"
	"ALTER TABLE catalogue ADD COLUMN link_label TEXT NOT NULL"
	" DEFAULT '';\n";

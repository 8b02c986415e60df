/* fields.c: the register of personal-data fields (PI-01) */
#include "pii/pii.h"

#include <string.h>

/*
 * Every column of the system that holds personal data, with why it is
 * processed and on what legal basis.  A state organ processes personal
 * data to perform its statutory duties (《个人信息保护法》第十三条第一款
 * 第三项, 第三十四条); the procedure's own rule says which data the duty
 * needs.  A field is optional unless the procedure cannot go on without
 * it (PIPL Art. 6, minimum necessary).
 *
 * Retention counts years after the record closes (the case is closed,
 * the account is disabled, the audit event happened).  These are the
 * defaults of the expiry job (PI-03); where a record passes to the
 * archives, the archives office's schedule governs the archived copy
 * (PIPL Art. 47).
 */
const struct pii_field pii_fields[] = {
	{
		.name = "petitioner.name",
		.label = "姓名",
		.purpose = "识别信访人，登记信访事项，书面告知受理和办理情况",
		.basis = "《信访工作条例》第十九条（载明信访人姓名）、"
			 "第二十三条；《个人信息保护法》第十三条第一款"
			 "第三项、第三十四条",
		.kind = PII_KIND_NAME,
		.required = true,
		.sealed = true,
		.retention_years = 30,
	},
	{
		.name = "petitioner.id_number",
		.label = "公民身份号码",
		.purpose = "核实信访人身份，识别同一信访人就同一事项重复提出"
			   "的信访",
		.basis = "《信访工作条例》第十九条；《个人信息保护法》第十三条"
			 "第一款第三项、第三十四条",
		.kind = PII_KIND_IDCARD,
		.sealed = true,
		.indexed = true,
		.retention_years = 10,
	},
	{
		.name = "petitioner.phone",
		.label = "联系电话",
		.purpose = "用于联系信访人、告知受理和答复情况",
		.basis = "《信访工作条例》第十九条、第二十三条；《个人信息"
			 "保护法》第十三条第一款第三项",
		.kind = PII_KIND_PHONE,
		.sealed = true,
		.indexed = true,
		.retention_years = 10,
	},
	{
		.name = "petitioner.address",
		.label = "住址",
		.purpose = "书面告知受理和办理情况，送达处理意见",
		.basis = "《信访工作条例》第十九条（载明住址）、第二十三条；"
			 "《个人信息保护法》第十三条第一款第三项",
		.kind = PII_KIND_ADDRESS,
		.required = true,
		.sealed = true,
		.retention_years = 10,
	},
	{
		.name = "petitioner.email",
		.label = "电子邮箱",
		.purpose = "以电子邮件送达政府信息公开申请的答复",
		.basis = "《政府信息公开条例》第二十九条、第四十条；《个人信息"
			 "保护法》第十三条第一款第三项",
		.kind = PII_KIND_TEXT,
		.sealed = true,
		.retention_years = 10,
	},
	{
		.name = "petition.content",
		.label = "信访事项内容",
		.purpose = "登记、转送、交办和办理信访事项",
		.basis = "《信访工作条例》第十九条（请求、事实和理由）、"
			 "第二十二条、第二十三条；《个人信息保护法》第十三条"
			 "第一款第三项",
		.kind = PII_KIND_TEXT,
		.required = true,
		.sealed = true,
		.retention_years = 30,
	},
	{
		/* A natural person (自然人) may hold a permit; the register
		 * holds their name in the clear as the public record it is.
		 * Their identity number is checked and not kept, and the
		 * portal shows the name masked (permit/public.c). */
		.name = "permits.holder",
		.label = "行政相对人名称",
		.purpose = "登记并公示行政许可决定的行政相对人；相对人为自然人"
			   "时，门户网站只公示遮蔽后的姓名（张*），不公示身份"
			   "证号码",
		.basis = "《中华人民共和国行政许可法》第四十条（作出的准予行政"
			 "许可决定应当予以公开）；行政许可和行政处罚等信用信息"
			 "“双公示”规定（发改办财金〔2018〕424号，自作出决定之日"
			 "起7个工作日内上网公示）；《个人信息保护法》第十三条"
			 "第一款第三项、第三十四条",
		.kind = PII_KIND_NAME,
		.required = true,
		.retention_years = 30,
	},
	{
		.name = "users.display_name",
		.label = "用户姓名",
		.purpose = "标识账户持有人，记入办理记录和审计日志",
		.basis = "《个人信息保护法》第十三条第一款第二项、第三项；"
			 "GB/T 22239-2019 身份鉴别、安全审计",
		.kind = PII_KIND_NAME,
		.required = true,
		.retention_years = 3,
	},
	{
		.name = "audit_log.actor",
		.label = "操作人",
		.purpose = "记录每项操作由谁完成，供安全审计和责任追究",
		.basis = "《网络安全法》第二十一条第三项；GB/T 22239-2019 "
			 "安全审计",
		.kind = PII_KIND_PLAIN,
		.required = true,
		.retention_years = 3,
	},
	{
		.name = "audit_log.source_ip",
		.label = "来源IP地址",
		.purpose = "记录操作来源，供安全审计和安全事件调查",
		.basis = "《网络安全法》第二十一条第三项（网络日志留存不少于"
			 "六个月）；GB/T 22239-2019 安全审计",
		.kind = PII_KIND_PLAIN,
		.required = true,
		.retention_years = 3,
	},
};
const size_t pii_field_count = ARRAY_SIZE(pii_fields);

const struct pii_field *pii_field_lookup(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < pii_field_count; i++)
		if (!strcmp(pii_fields[i].name, name))
			return &pii_fields[i];
	return NULL;
}

void pii_mask_field(const struct pii_field *f, const char *in,
		    struct buf *out)
{
	switch (f->kind) {
	case PII_KIND_NAME:
		pii_mask_name(in, out);
		break;
	case PII_KIND_IDCARD:
		pii_mask_idcard(in, out);
		break;
	case PII_KIND_PHONE:
		pii_mask_phone(in, out);
		break;
	case PII_KIND_ADDRESS:
		pii_mask_address(in, out);
		break;
	case PII_KIND_PLAIN:
		if (in)
			buf_puts(out, in);
		break;
	default:
		pii_mask_text(in, out);
		break;
	}
}

static bool blank(const char *s)
{
	return !s || !*s;
}

/* The first defect of entry `f`, or NULL. */
static const char *field_defect(const struct pii_field *f)
{
	if (blank(f->name) || !strchr(f->name, '.'))
		return "name is not record.column";
	if (blank(f->label))
		return "no label";
	if (blank(f->purpose))
		return "no purpose";
	if (blank(f->basis))
		return "no legal basis";
	if (f->retention_years <= 0 || f->retention_years > 100)
		return "no retention period";
	if (f->kind < PII_KIND_NAME || f->kind > PII_KIND_PLAIN)
		return "unknown kind";
	/* CR-03: numbers that identify a person are never stored in the
	 * clear, and exact search on them goes through a blind index. */
	if ((f->kind == PII_KIND_IDCARD || f->kind == PII_KIND_PHONE) &&
	    !f->sealed)
		return "ID and phone numbers must be sealed";
	if (f->indexed && !f->sealed)
		return "a blind index only makes sense for a sealed field";
	return NULL;
}

int pii_fields_lint(struct fz_err *err)
{
	const char *why;
	size_t i;

	for (i = 0; i < pii_field_count; i++) {
		const struct pii_field *f = &pii_fields[i];

		if ((why = field_defect(f)))
			return fz_fail(err, 500, "pii_register",
				       "personal-data field %zu (%s): %s", i,
				       f->name ? f->name : "?", why);
		if (pii_field_lookup(f->name) != f)
			return fz_fail(err, 500, "pii_register",
				       "personal-data field %s is declared "
				       "twice", f->name);
	}
	return FZ_OK;
}

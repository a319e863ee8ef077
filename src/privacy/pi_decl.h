/*
 * pi_decl.h — THE declaration of every column the database holds.
 *
 * This is the one source of truth for personal information (DESIGN.md).
 * Every column of every table appears exactly once: as PI(...) if it holds
 * personal information, or as NOTPI(...) with the reason it does not. From
 * this list the code derives which columns are sealed, the retention sweep,
 * the export, erasure, the published lists, and the tests; a column in the
 * schema that is missing here fails test_pi_decl.
 *
 * PI(ID, table, column, 名称, category, purposes, legal basis,
 *    retention kind, days, since-column, flags, mask, shared with, 使用场景)
 */

/* users: the account (A1, A2, A4, F3) */
PI(USER_PHONE_BI, "users", "phone_bi", "手机号码（检索索引）", CAT_IDENTIFIER, P_ACCOUNT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_BLIND, MASK_HIDE, SHARE_NONE, "凭手机号码登录时查找账号；为带密钥的单向散列值")
PI(USER_PHONE, "users", "phone", "手机号码", CAT_BASIC, P_ACCOUNT | P_SECURITY | P_PROFILE, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_PHONE, SHARE_NONE, "注册、登录、接收验证码与账号安全")
PI(USER_USERNAME_BI, "users", "username_bi", "用户名（检索索引）", CAT_IDENTIFIER, P_ACCOUNT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_BLIND, MASK_HIDE, SHARE_NONE, "保证用户名不重复；为带密钥的单向散列值")
PI(USER_USERNAME, "users", "username", "用户名", CAT_IDENTIFIER, P_ACCOUNT | P_PROFILE, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NAME, SHARE_NONE, "注册时设定，用于识别您的账号")
PI(USER_NICKNAME, "users", "nickname", "昵称", CAT_IDENTIFIER, P_PROFILE, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "完善个人资料，在您发布的信息旁展示")
PI(USER_CITY, "users", "city", "所在城市", CAT_BASIC, P_PROFILE, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "完善个人资料（选填）")
PI(USER_HOMETOWN, "users", "hometown", "家乡", CAT_BASIC, P_PROFILE, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "完善个人资料（选填）")
PI(USER_OCCUPATION, "users", "occupation", "职业", CAT_WORK, P_PROFILE, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "完善个人资料（选填）")
PI(USER_POSITION, "users", "position", "职位", CAT_WORK, P_PROFILE, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "完善个人资料（选填）")
PI(USER_INTERESTS, "users", "interests", "兴趣爱好", CAT_OTHER, P_PROFILE, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "完善个人资料（选填）")
PI(USER_EMAIL, "users", "email", "电子邮箱", CAT_BASIC, P_ACCOUNT | P_PROFILE, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_EMAIL, SHARE_NONE, "账号安全与联系（选填）")
PI(USER_QQ, "users", "qq", "QQ号", CAT_IDENTIFIER, P_PROFILE, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NAME, SHARE_NONE, "完善个人资料（选填）")
PI(USER_PASSWORD, "users", "password_hash", "登录密码（不可逆散列）", CAT_IDENTIFIER, P_ACCOUNT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_HASHED | F_SENSITIVE, MASK_HIDE, SHARE_NONE, "使用密码登录（选用）；以 Argon2id 散列保存，无法还原")
NOTPI("users", "id", "internal account number; names no one outside the platform")
NOTPI("users", "dek", "the account's wrapped data key: key material, destroyed at cancellation")
NOTPI("users", "status", "account state (active, cancelled)")
NOTPI("users", "policy_version", "the policy version the account last accepted; see consents")
NOTPI("users", "created_at", "account bookkeeping, deleted with the account")
NOTPI("users", "updated_at", "account bookkeeping, deleted with the account")

/* sessions: signed-in devices (F4, G1) */
PI(SESSION_IP, "sessions", "ip", "IP地址", CAT_WEB_RECORD, P_SECURITY, BASIS_CONTRACT,
   RET_DAYS, 30, "created_at", F_ENCRYPT, MASK_IP, SHARE_NONE, "登录设备列表与账号安全；最多保存1个月")
PI(SESSION_AGENT, "sessions", "user_agent", "浏览器与设备型号", CAT_DEVICE, P_SECURITY, BASIS_CONTRACT,
   RET_DAYS, 30, "created_at", F_ENCRYPT, MASK_NONE, SHARE_NONE, "登录设备列表，便于您识别并退出陌生设备")
NOTPI("sessions", "id", "session number")
NOTPI("sessions", "user_id", "owner of the session")
NOTPI("sessions", "token_hash", "hash of a random secret; identifies no one")
NOTPI("sessions", "created_at", "session bookkeeping")
NOTPI("sessions", "last_seen", "session bookkeeping for the idle timeout")
NOTPI("sessions", "expires_at", "session bookkeeping")

/* sms_codes: verification codes (A1) */
PI(CODE_PHONE_BI, "sms_codes", "phone_bi", "手机号码（检索索引）", CAT_IDENTIFIER, P_ACCOUNT | P_SECURITY,
   BASIS_CONTRACT, RET_DAYS, 1, "created_at", F_BLIND, MASK_HIDE, SHARE_NONE, "核对短信验证码与发送频率限制")
NOTPI("sms_codes", "id", "row number")
NOTPI("sms_codes", "purpose", "what the code is for")
NOTPI("sms_codes", "code_hash", "keyed hash of a one-time code")
NOTPI("sms_codes", "created_at", "code bookkeeping")
NOTPI("sms_codes", "expires_at", "code bookkeeping")
NOTPI("sms_codes", "tries", "code bookkeeping")
NOTPI("sms_codes", "used", "code bookkeeping")

/* rate_limits: abuse protection (A1) */
PI(LIMIT_KEY, "rate_limits", "key", "频率限制标识（手机号或IP的散列）", CAT_IDENTIFIER, P_SECURITY, BASIS_LEGITIMATE,
   RET_DAYS, 1, "window_start", F_BLIND, MASK_HIDE, SHARE_NONE, "防止验证码轰炸与暴力尝试")
NOTPI("rate_limits", "window_start", "counter bookkeeping")
NOTPI("rate_limits", "count", "counter bookkeeping")

/* policy_versions: the published policy (H3, H4) */
NOTPI("policy_versions", "id", "policy number")
NOTPI("policy_versions", "version", "policy version label")
NOTPI("policy_versions", "major", "whether users must accept again")
NOTPI("policy_versions", "published_at", "publication date")
NOTPI("policy_versions", "summary", "what changed")

/* consents: what each user agreed to (G3, H3) */
PI(CONSENT_RECORD, "consents", "granted", "授权同意记录", CAT_OTHER, P_ACCOUNT, BASIS_LEGAL_DUTY,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "证明您同意或撤回同意的时间与版本")
NOTPI("consents", "id", "row number")
NOTPI("consents", "user_id", "owner of the record")
NOTPI("consents", "purpose", "which purpose the record is about")
NOTPI("consents", "policy_version", "which policy version was accepted")
NOTPI("consents", "at", "time of the decision, part of the record")

/* staff_roles: least privilege for the operator's staff (F5) */
NOTPI("staff_roles", "user_id", "staff member's account")
NOTPI("staff_roles", "role", "granted role")
NOTPI("staff_roles", "granted_at", "grant bookkeeping")

/* audit_log: the security audit log, kept by law (F5, F6; Cybersecurity Law art. 21) */
PI(AUDIT_ACTOR, "audit_log", "actor", "安全审计记录中的操作者（账号编号）", CAT_WEB_RECORD, P_SECURITY, BASIS_LEGAL_DUTY,
   RET_LAW, 180, "at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE, "网络安全法要求留存不少于六个月的安全日志")
PI(AUDIT_SUBJECT, "audit_log", "subject", "安全审计记录中的被操作账号（账号编号）", CAT_WEB_RECORD, P_SECURITY,
   BASIS_LEGAL_DUTY, RET_LAW, 180, "at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE, "网络安全法要求留存不少于六个月的安全日志")
PI(AUDIT_CLIENT, "audit_log", "client", "安全审计记录中的IP地址（散列）", CAT_WEB_RECORD, P_SECURITY, BASIS_LEGAL_DUTY,
   RET_LAW, 180, "at", F_BLIND | F_KEPT_BY_LAW, MASK_HIDE, SHARE_NONE, "识别异常登录与攻击；只保存带密钥的散列值")
NOTPI("audit_log", "id", "entry number")
NOTPI("audit_log", "at", "entry time")
NOTPI("audit_log", "event", "event name")
NOTPI("audit_log", "detail", "event detail; never holds personal data (tested)")
NOTPI("audit_log", "prev", "hash chain")
NOTPI("audit_log", "hash", "hash chain")

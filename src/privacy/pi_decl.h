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
 *
 * OWNER(table, condition) says how a table's rows belong to a person: the
 * condition (with ?1 = the account id) selects them for the export (G5) and
 * the erasure at cancellation (G4); NULL means the table holds no row that
 * can be tied back to an account (a keyed hash without the person's input,
 * or an index derived from another table that is erased with it).
 */

/* the key store (keys.db, schema "keys"): erased last, so a failure before it leaves the key, not a keyless account */
OWNER("deks", "user_id = ?1")
OWNER("users", "id = ?1")
OWNER("sessions", "user_id = ?1")
OWNER("sms_codes", "phone_bi = (SELECT phone_bi FROM users WHERE id = ?1)")
OWNER("rate_limits", NULL)
OWNER("consents", "user_id = ?1")
OWNER("staff_roles", "user_id = ?1")
/* only entries about the person alone: an entry naming someone else (who revealed a contact, which moderator
 * read) would hand over that person's account number; /me/reads tells those events without it */
OWNER("audit_log", "(actor = ?1 AND (subject IS NULL OR subject = ?1)) OR (subject = ?1 AND actor IS NULL)")
OWNER("listings", "user_id = ?1")
OWNER("listings_fts", NULL)
OWNER("listings_fts_new", NULL)
OWNER("listings_fts_new_ids", NULL)
OWNER("listings_geo", NULL)
OWNER("listing_cards", NULL)
OWNER("listings_near", NULL)
OWNER("schema_tasks", NULL)
OWNER("view_epochs", NULL)
OWNER("listing_reports", "user_id = ?1")
OWNER("listing_photos", "listing_id IN (SELECT id FROM listings WHERE user_id = ?1)")
OWNER("browse_history", "user_id = ?1")
OWNER("search_history", "user_id = ?1")
OWNER("messages", "user_id = ?1")
OWNER("incident_users", "user_id = ?1")
OWNER("shares", "user_id = ?1")
/* chat: a person's own membership and own messages; the conversation and the other member's messages stay
 * with the other member (docs/decisions.md "A conversation has two copies") */
OWNER("chat_members", "user_id = ?1")
OWNER("chat_messages", "sender_id = ?1")
OWNER("chat_voice", "message_id IN (SELECT id FROM chat_messages WHERE sender_id = ?1)")
OWNER("chat_reports", "user_id = ?1")
OWNER("tickets", "user_id = ?1")
OWNER("ticket_messages", "ticket_id IN (SELECT id FROM tickets WHERE user_id = ?1)")
OWNER("invite_codes", "user_id = ?1")
OWNER("invitations", "invitee_id = ?1 OR inviter_id = ?1")
OWNER("reward_points", "user_id = ?1")
OWNER("gift_claims", "user_id = ?1")
OWNER("verifications", "user_id = ?1")
OWNER("organizations", "user_id = ?1")
OWNER("resumes", "user_id = ?1")
OWNER("applications", "user_id = ?1")
OWNER("interviews", "application_id IN (SELECT id FROM applications WHERE user_id = ?1)")

/* users: the account (A1, A2, A4, F3) */
PI(USER_PHONE_BI, "users", "phone_bi", "手机号码（登录检索索引）", CAT_IDENTIFIER, P_ACCOUNT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_BLIND, MASK_HIDE, SHARE_NONE, "凭手机号码登录时查找账号；为带密钥的单向散列值")
PI(USER_PHONE, "users", "phone", "手机号码", CAT_BASIC, P_ACCOUNT | P_SECURITY | P_PROFILE | P_VERIFY, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_PHONE, SHARE_NONE, "注册、登录、接收验证码与账号安全；实名认证时与姓名、身份证号一并核验")
PI(USER_USERNAME_BI, "users", "username_bi", "用户名（检索索引）", CAT_IDENTIFIER, P_ACCOUNT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_BLIND, MASK_HIDE, SHARE_NONE, "保证用户名不重复；为带密钥的单向散列值")
PI(USER_USERNAME, "users", "username", "用户名", CAT_IDENTIFIER, P_ACCOUNT | P_PROFILE, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NAME, SHARE_NONE, "您在个人资料中设定（选填），用于识别您的账号")
PI(USER_NICKNAME, "users", "nickname", "昵称", CAT_IDENTIFIER, P_PROFILE | P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "完善个人资料；在您发布的服务评价旁打码展示（如“王**”）")
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
PI(USER_BIRTH_YEAR, "users", "birth_year", "出生年份", CAT_BASIC, P_ACCOUNT, BASIS_LEGAL_DUTY,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "判断是否为未成年人：不满14周岁需监护人同意，不满18周岁不能使用交友")
PI(USER_GUARDIAN_PHONE, "users", "guardian_phone", "监护人手机号码", CAT_BASIC, P_ACCOUNT, BASIS_LEGAL_DUTY,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_PHONE, SHARE_NONE, "不满14周岁的用户由监护人以短信验证码确认同意")
PI(USER_BIRTH_DATE, "users", "birth_date", "出生日期（由实名认证的身份证号得出）", CAT_IDENTITY, P_ACCOUNT, BASIS_LEGAL_DUTY,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "实名认证后代替您填写的出生年份判断年龄（未成年人保护）；每次请求都要用到，因此不加密；撤回实名认证同意时删除")
NOTPI("users", "guardian_consent_at", "time the guardian confirmed; part of the consent record")
NOTPI("users", "held_since", "when a child's account began waiting for a guardian's consent (H2 deadline)")
NOTPI("users", "id", "internal account number; names no one outside the platform")
NOTPI("users", "status", "account state (active, cancelled)")
NOTPI("users", "policy_version", "the policy version the account last accepted; see consents")
NOTPI("users", "created_at", "account bookkeeping, deleted with the account")
NOTPI("users", "updated_at", "account bookkeeping, deleted with the account")
/* deks: the key store, a separate file that data backups do not copy (G4, F7) */
NOTPI("deks", "user_id", "the account the key belongs to; deleted with the account")
NOTPI("deks", "dek", "the account's data key wrapped by the master key: key material, destroyed at cancellation")
NOTPI("deks", "created_at", "key bookkeeping")

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
PI(CODE_PHONE_BI, "sms_codes", "phone_bi", "手机号码（验证码检索索引）", CAT_IDENTIFIER, P_ACCOUNT | P_SECURITY,
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
/* policy_texts: each version's content as published (H4) */
NOTPI("policy_texts", "policy_id", "policy number")
NOTPI("policy_texts", "taken_at", "when the content was frozen")
NOTPI("policy_texts", "snapshot", "the published lists and texts generated from the declarations; names no one")

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

/* listings: information people post (B1–B7, B12, B13) */
PI(LISTING_TITLE, "listings", "title", "发布的信息标题", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "您主动发布、供他人查看的信息")
PI(LISTING_DESCRIPTION, "listings", "description", "发布的信息描述", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "您主动发布、供他人查看的信息")
PI(LISTING_ATTRS, "listings", "attrs", "信息的分类属性（如职位、户型、车型）", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "按类别填写、公开展示的信息属性")
PI(LISTING_DISTRICT, "listings", "district", "信息所在区县", CAT_LOCATION, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "按区县筛选信息")
PI(LISTING_LAT, "listings", "lat", "信息位置纬度（约百米精度）", CAT_LOCATION, P_PUBLISH, BASIS_CONSENT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "为附近的人显示距离（选填）；只保存信息的位置，不保存您的行踪")
PI(LISTING_LNG, "listings", "lng", "信息位置经度（约百米精度）", CAT_LOCATION, P_PUBLISH, BASIS_CONSENT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "为附近的人显示距离（选填）；只保存信息的位置，不保存您的行踪")
PI(LISTING_PHONE, "listings", "contact_phone", "联系电话", CAT_BASIC, P_CONTACT | P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_ENCRYPT, MASK_PHONE, SHARE_NONE, "公开显示为 138****8000；登录用户点击后查看完整号码，每次查看都有记录")
PI(LISTING_EMAIL, "listings", "contact_email", "联系邮箱", CAT_BASIC, P_CONTACT | P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_ENCRYPT, MASK_EMAIL, SHARE_NONE, "招聘信息中供求职者联系招聘方")
PI(LISTING_ADDRESS, "listings", "address", "详细地址", CAT_LOCATION, P_CONTACT | P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_ENCRYPT, MASK_ADDRESS, SHARE_NONE, "生活服务与房产信息中便于上门或看房；公开时只显示到区县")
PI(LISTING_PLATE, "listings", "plate", "车牌号码", CAT_OTHER, P_CONTACT | P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_ENCRYPT, MASK_PLATE, SHARE_NONE, "二手车信息中核对车辆；公开时显示为 京A·****5")
PI(LISTING_OWNER_NAME, "listings", "owner_name", "房屋权利人姓名", CAT_IDENTITY, P_VERIFY, BASIS_CONSENT,
   RET_LISTING, 0, NULL, F_ENCRYPT | F_SENSITIVE, MASK_NAME, SHARE_NONE, "仅用于核验房源真实性，从不公开")
PI(LISTING_OWNER_ID, "listings", "owner_id_number", "房屋权利人身份证号", CAT_IDENTITY, P_VERIFY, BASIS_CONSENT,
   RET_LISTING, 0, NULL, F_ENCRYPT | F_SENSITIVE, MASK_ID, SHARE_NONE, "仅用于核验房源真实性，从不公开")
PI(LISTING_OWNERSHIP_DOC, "listings", "ownership_doc", "房屋权属证明编号", CAT_PROPERTY, P_VERIFY, BASIS_CONSENT,
   RET_LISTING, 0, NULL, F_ENCRYPT | F_SENSITIVE, MASK_HIDE, SHARE_NONE, "仅用于核验房源真实性，从不公开")
NOTPI("listings", "id", "listing number")
NOTPI("listings", "user_id", "poster's account; erased with the account")
NOTPI("listings", "category", "category of the offer")
NOTPI("listings", "subcategory", "sub-category of the offer")
NOTPI("listings", "price_fen", "price of the offer, in fen")
NOTPI("listings", "city", "city of the offer, a division code")
NOTPI("listings", "status", "review and life-cycle state")
NOTPI("listings", "moderation_note", "reason given by moderation; never personal data")
NOTPI("listings", "report_count", "number of reports")
NOTPI("listings", "created_at", "listing bookkeeping")
NOTPI("listings", "updated_at", "listing bookkeeping")
NOTPI("listings", "expires_at", "listing bookkeeping")

/* listings_fts: the search index of published listings, derived from the columns above */
PI(FTS_TITLE, "listings_fts", "title", "搜索索引中的信息标题", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "让他人用关键词找到您发布的信息")
PI(FTS_DESCRIPTION, "listings_fts", "description", "搜索索引中的信息描述", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "让他人用关键词找到您发布的信息")
NOTPI("listings_fts", "tags", "city, district and category codes of the listing")
/* listings_fts_new: the same index for listings posted or changed lately, folded into listings_fts */
PI(FTS_NEW_TITLE, "listings_fts_new", "title", "搜索索引中的信息标题", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "让他人用关键词找到您发布的信息")
PI(FTS_NEW_DESCRIPTION, "listings_fts_new", "description", "搜索索引中的信息描述", CAT_OTHER, P_PUBLISH,
   BASIS_CONTRACT, RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "让他人用关键词找到您发布的信息")
NOTPI("listings_fts_new", "tags", "city, district and category codes of the listing")
NOTPI("listings_fts_new_ids", "id", "listing number: which listings are in listings_fts_new")

/* listings_geo: the nearby index of published listings with a position */
PI(GEO_POINT, "listings_geo", "min_lat", "附近搜索索引中的信息位置", CAT_LOCATION, P_PUBLISH, BASIS_CONSENT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "为附近的人显示距离；与 listings.lat/lng 相同")
NOTPI("listings_geo", "id", "listing number")
NOTPI("listings_geo", "max_lat", "same point as min_lat (declared there)")
NOTPI("listings_geo", "min_lng", "same point as min_lat (declared there)")
NOTPI("listings_geo", "max_lng", "same point as min_lat (declared there)")
NOTPI("listings_geo", "min_cat", "category of the listing, as a tree dimension")
NOTPI("listings_geo", "max_cat", "same as min_cat")

/* listings_near: the nearby index by cell, of published listings with a position */
PI(NEAR_POINT, "listings_near", "lat", "附近搜索索引中的信息位置", CAT_LOCATION, P_PUBLISH, BASIS_CONSENT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "为附近的人按发布时间查找信息；与 listings.lat/lng 相同")
NOTPI("listings_near", "lng", "same point as lat (declared there)")
NOTPI("listings_near", "cell", "the 0.1-degree square around the same point (declared at lat)")
NOTPI("listings_near", "cat", "category of the listing, or 0 for any")
NOTPI("listings_near", "id", "listing number")

/* listing_cards: the public summary of each published listing, rendered once for search results */
PI(CARD_SUMMARY, "listing_cards", "card", "搜索结果中的信息摘要", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "搜索结果中公开展示的标题、分类属性、区县与缩略图的副本，信息下架即删除；不含联系方式")
PI(CARD_DETAIL, "listing_cards", "detail", "信息详情页的公开内容", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "任何人可见的详情页内容副本：描述、照片地址、信息位置（约百米精度，您选填时才有）、已打码的联系方式与地址/车牌（如 138****8000）、发布者的“已实名”标记与通过审核的招聘单位名称，信息下架即删除")
NOTPI("listing_cards", "id", "listing number")
NOTPI("listing_cards", "city", "city of the offer, a division code")
NOTPI("listing_cards", "category", "category of the offer")
NOTPI("listing_cards", "expires_at", "listing bookkeeping")

/* view_epochs: a counter per city, bumped with every change to a card of the city (store/viewcache.h) */
NOTPI("view_epochs", "city", "city of the cards, a division code")
NOTPI("view_epochs", "n", "counter of changes to the city's cards")

/* schema_tasks: one-off work a migration leaves for code */
NOTPI("schema_tasks", "task", "name of the task")

/* listing_reports: one report per person per listing (B13) */
NOTPI("listing_reports", "listing_id", "reported listing")
NOTPI("listing_reports", "user_id", "reporting account; erased with the account")
NOTPI("listing_reports", "reason", "chosen reason code")
NOTPI("listing_reports", "at", "report time")

/* blocklist: words and URL patterns moderation refuses (B13) */
NOTPI("blocklist", "id", "entry number")
NOTPI("blocklist", "kind", "word or url")
NOTPI("blocklist", "pattern", "blocked word or host; never personal data")
NOTPI("blocklist", "added_at", "entry bookkeeping")

/* listing_photos: re-encoded photos of a listing (B11) */
PI(PHOTO_FILE, "listing_photos", "name", "信息照片", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_LISTING, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "随信息公开展示；上传时已去除拍摄位置等全部元数据")
NOTPI("listing_photos", "id", "photo number")
NOTPI("listing_photos", "listing_id", "listing the photo belongs to")
NOTPI("listing_photos", "width", "pixel width")
NOTPI("listing_photos", "height", "pixel height")
NOTPI("listing_photos", "bytes", "file size")
NOTPI("listing_photos", "created_at", "photo bookkeeping")

/* browse_history and search_history: 浏览足迹 and 搜索历史 (B8, F2, G2) */
PI(BROWSE_LISTING, "browse_history", "listing_id", "浏览足迹", CAT_WEB_RECORD, P_PROFILE, BASIS_CONSENT,
   RET_DAYS, 30, "at", F_NONE, MASK_NONE, SHARE_NONE, "在“我的足迹”中让您找回看过的信息；最多保存1个月，可随时清除")
PI(BROWSE_IP, "browse_history", "ip", "浏览时的IP地址", CAT_WEB_RECORD, P_SECURITY, BASIS_LEGITIMATE,
   RET_DAYS, 30, "at", F_ENCRYPT, MASK_IP, SHARE_NONE, "识别异常访问；最多保存1个月")
NOTPI("browse_history", "id", "row number")
NOTPI("browse_history", "user_id", "owner of the record")
NOTPI("browse_history", "at", "time of the visit, part of the record")
PI(SEARCH_QUERY, "search_history", "query", "搜索关键词", CAT_WEB_RECORD, P_PROFILE, BASIS_CONSENT,
   RET_DAYS, 30, "at", F_ENCRYPT, MASK_NONE, SHARE_NONE, "在搜索框下方显示您最近的搜索；最多保存1个月，可随时清除")
PI(SEARCH_IP, "search_history", "ip", "搜索时的IP地址", CAT_WEB_RECORD, P_SECURITY, BASIS_LEGITIMATE,
   RET_DAYS, 30, "at", F_ENCRYPT, MASK_IP, SHARE_NONE, "识别异常访问；最多保存1个月")
NOTPI("search_history", "id", "row number")
NOTPI("search_history", "user_id", "owner of the record")
NOTPI("search_history", "at", "time of the search, part of the record")

/* messages: the message centre (F8 breach notices, review results) */
PI(MESSAGE_BODY, "messages", "body", "站内消息", CAT_COMMS, P_ACCOUNT | P_SECURITY, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "向您发送的通知，例如安全事件告知；不含他人的个人信息")
NOTPI("messages", "id", "message number")
NOTPI("messages", "user_id", "recipient account")
NOTPI("messages", "kind", "kind of notice")
NOTPI("messages", "title", "notice title; written by staff, never personal data")
NOTPI("messages", "created_at", "message bookkeeping")
NOTPI("messages", "read_at", "message bookkeeping")

/* incidents and incident_users: personal-information security incidents (F8) */
NOTPI("incidents", "id", "incident number")
NOTPI("incidents", "title", "incident title; describes the event, not people")
NOTPI("incidents", "what", "what happened")
NOTPI("incidents", "occurred_at", "when it happened")
NOTPI("incidents", "fields", "declared field ids affected")
NOTPI("incidents", "remedies", "what was done")
NOTPI("incidents", "advice", "what people can do")
NOTPI("incidents", "created_by", "staff account that recorded it")
NOTPI("incidents", "created_at", "record bookkeeping")
NOTPI("incident_users", "incident_id", "incident")
NOTPI("incident_users", "user_id", "affected account; erased with the account")
NOTPI("incident_users", "notified_at", "when the notice went out")
NOTPI("incident_users", "attempts", "how many sweeps tried to send the notice SMS")
NOTPI("incident_users", "failed_at", "when the platform gave up sending the notice SMS (the message centre still has it)")
NOTPI("incident_users", "fail_reason", "why it gave up: a code (no_phone, refused), never the number")

/* partners and shares: every outbound share is recorded (E1, E3, E4, F1) */
NOTPI("partners", "id", "partner number")
NOTPI("partners", "name", "recipient organisation")
NOTPI("partners", "purpose", "purpose of sharing")
NOTPI("partners", "region", "where the recipient processes data")
NOTPI("partners", "fields", "declared fields it may receive")
NOTPI("partners", "created_at", "record bookkeeping")
NOTPI("shares", "id", "record number")
NOTPI("shares", "at", "time of the share")
NOTPI("shares", "recipient", "who received it")
NOTPI("shares", "region", "where the recipient is")
NOTPI("shares", "fields", "declared fields shared")
NOTPI("shares", "basis", "legal basis")
NOTPI("shares", "reference", "legal document reference (E3)")
NOTPI("shares", "records", "number of people's records in a bulk share")
PI(SHARE_SUBJECT, "shares", "user_id", "个人信息共享记录", CAT_OTHER, P_SECURITY, BASIS_LEGAL_DUTY,
   RET_LAW, 1095, "at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE, "记录您的哪些信息在何时、依据什么提供给了谁；依法保存三年")

/* merchants: home-service businesses, reviewed by staff before they can offer services (JX) */
OWNER("merchants", "user_id = ?1")
PI(MERCHANT_NAME, "merchants", "name", "商家名称", CAT_OTHER, P_PUBLISH | P_ORDER, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "入驻为服务商家时填写，在您的服务和订单中公开展示（个体商户的名称可能含有姓名）")
PI(MERCHANT_LICENSE, "merchants", "license_no", "营业执照统一社会信用代码", CAT_IDENTITY, P_VERIFY, BASIS_LEGAL_DUTY,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_HIDE, SHARE_NONE, "平台依法核验商家资质（电子商务法第二十七条）；仅审核人员查看，每次查看都有记录，从不公开")
NOTPI("merchants", "id", "merchant number")
NOTPI("merchants", "user_id", "the merchant's account; erased with the account")
NOTPI("merchants", "city", "city the business is registered in, a division code")
NOTPI("merchants", "status", "review state")
NOTPI("merchants", "review_note", "a rejection's reason code from a fixed list (merchant_reasons); no free text")
NOTPI("merchants", "created_at", "merchant bookkeeping")
NOTPI("merchants", "updated_at", "merchant bookkeeping")

/* services: what a merchant offers, where and when (JX) */
OWNER("services", "merchant_id IN (SELECT id FROM merchants WHERE user_id = ?1)")
PI(SERVICE_TITLE, "services", "title", "服务标题", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "商家发布、供他人查找的服务")
PI(SERVICE_DESCRIPTION, "services", "description", "服务介绍", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "商家发布、供他人查找的服务")
PI(SERVICE_LAT, "services", "lat", "服务范围中心纬度（约百米精度）", CAT_LOCATION, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "按距离为附近的人找到服务；按区县服务时为区县中心，不是任何人的位置")
PI(SERVICE_LNG, "services", "lng", "服务范围中心经度（约百米精度）", CAT_LOCATION, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "按距离为附近的人找到服务；按区县服务时为区县中心，不是任何人的位置")
NOTPI("services", "id", "service number")
NOTPI("services", "merchant_id", "offering merchant")
NOTPI("services", "category", "kind of service")
NOTPI("services", "price_fen", "price in fen")
NOTPI("services", "unit", "price unit")
NOTPI("services", "city", "city served, a division code")
NOTPI("services", "radius_km", "radius of the area served")
NOTPI("services", "reach_km", "how far the area reaches from its centre")
NOTPI("services", "slots", "weekly opening times")
NOTPI("services", "status", "offered or paused")
NOTPI("services", "orders", "number of orders (popularity), a count")
NOTPI("services", "rating_sum", "sum of ratings, an aggregate")
NOTPI("services", "rating_count", "number of ratings, an aggregate")
NOTPI("services", "created_at", "service bookkeeping")
NOTPI("services", "updated_at", "service bookkeeping")
NOTPI("services", "slot_capacity", "orders the service takes per time slot; NULL: not limited")

/* services_geo: the nearby index of services, each one's reach as a box around its anchor; removed with the
 * service by trigger */
OWNER("services_geo", NULL)
PI(SERVICE_GEO_BOX, "services_geo", "min_lat", "附近服务索引中的服务范围", CAT_LOCATION, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "按距离为附近的人找到服务；由服务范围中心和半径算出，与 services.lat/lng 同删")
NOTPI("services_geo", "id", "service number")
NOTPI("services_geo", "max_lat", "same box as min_lat (declared there)")
NOTPI("services_geo", "min_lng", "same box as min_lat (declared there)")
NOTPI("services_geo", "max_lng", "same box as min_lat (declared there)")

/* service_districts: the districts a service reaches, derived from its area and erased with it */
OWNER("service_districts", NULL)
NOTPI("service_districts", "district", "district code served")
NOTPI("service_districts", "service_id", "service")

/* orders: home-service orders (C8, E6). At cancellation of the customer's account the link, address, phone
 * and district are erased (order_erase_prepare); the transaction record stays with the merchant, kept by law. */
OWNER("orders", "customer_id = ?1")
PI(ORDER_ADDRESS, "orders", "address", "上门服务地址", CAT_BASIC, P_ORDER, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_ADDRESS, SHARE_NONE,
   "商家上门服务；商家接单前只看到区县和时间，接单后才能看到完整地址（每次查看都有记录），服务完成若干天后再次隐藏")
PI(ORDER_PHONE, "orders", "phone", "订单联系电话", CAT_BASIC, P_ORDER, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_PHONE, SHARE_NONE,
   "商家上门前与您联系；商家接单前看不到，接单后才能看到（每次查看都有记录），服务完成若干天后再次隐藏")
PI(ORDER_DISTRICT, "orders", "district", "服务所在区县", CAT_LOCATION, P_ORDER, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "让商家在接单前判断能否上门")
PI(ORDER_ITEM, "orders", "item", "交易记录：服务项目", CAT_PROPERTY, P_ORDER, BASIS_LEGAL_DUTY,
   RET_LAW, 1095, "ended_at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE,
   "订单与售后；电子商务法要求交易信息自交易完成起保存不少于三年：自订单完成（或取消、退款）之日起保存三年，未完成的订单自下单起；注销账号后只保留不含您身份的交易记录")
PI(ORDER_AMOUNT, "orders", "amount_fen", "交易记录：金额", CAT_PROPERTY, P_ORDER, BASIS_LEGAL_DUTY,
   RET_LAW, 1095, "ended_at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE,
   "订单、支付与售后；电子商务法要求交易信息自交易完成起保存不少于三年：自订单完成（或取消、退款）之日起保存三年，未完成的订单自下单起；注销账号后只保留不含您身份的交易记录")
PI(ORDER_TIME, "orders", "slot_at", "交易记录：预约上门时间", CAT_PROPERTY, P_ORDER, BASIS_LEGAL_DUTY,
   RET_LAW, 1095, "ended_at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE,
   "安排上门服务；电子商务法要求交易信息自交易完成起保存不少于三年：自订单完成（或取消、退款）之日起保存三年，未完成的订单自下单起；注销账号后只保留不含您身份的交易记录")
NOTPI("orders", "id", "order row number")
NOTPI("orders", "number", "order number, also given to the payment provider (C5); names no one")
NOTPI("orders", "customer_id", "the customer's account; cleared at the customer's cancellation")
NOTPI("orders", "merchant_id", "serving merchant")
NOTPI("orders", "service_id", "ordered service")
NOTPI("orders", "category", "kind of service")
NOTPI("orders", "city", "city of the service, a division code")
NOTPI("orders", "status", "order state")
NOTPI("orders", "idem_key", "random key the customer's app chose so a retried create makes one order")
NOTPI("orders", "revealed_at", "when the merchant first saw the contact (the share is recorded then)")
NOTPI("orders", "created_at", "order bookkeeping")
NOTPI("orders", "paid_at", "order bookkeeping")
NOTPI("orders", "accepted_at", "order bookkeeping")
NOTPI("orders", "started_at", "order bookkeeping")
NOTPI("orders", "completed_at", "order bookkeeping; starts the period after which the contact is masked again")
NOTPI("orders", "closed_at", "order bookkeeping")
NOTPI("orders", "updated_at", "order bookkeeping")
NOTPI("orders", "ended_at", "when the transaction ended (completed, cancelled, refunded; else created): retention counts from it")
NOTPI("orders", "disputed_at", "when the customer disputed the order (E6)")
NOTPI("orders", "dispute_reason", "why, a code from a fixed list (order_dispute_reasons); no free text")
NOTPI("orders", "dispute_outcome", "how staff settled the dispute: refund, partial or release")
NOTPI("orders", "refund_fen", "amount refunded when the dispute was settled, in fen")
NOTPI("orders", "resolved_by", "staff account that settled the dispute")
NOTPI("orders", "resolved_at", "when the dispute was settled")

/* payments: one per attempt to pay an order through a provider (C5); tied to people only through orders */
NOTPI("payments", "id", "payment number")
NOTPI("payments", "order_id", "paid order; the order's link to a person is erased at cancellation")
NOTPI("payments", "provider", "payment provider")
NOTPI("payments", "trade_no", "the provider's number for the payment; names no one")
NOTPI("payments", "pay_url", "the provider's payment page for this payment")
NOTPI("payments", "amount_fen", "same amount as orders.amount_fen (declared there)")
NOTPI("payments", "status", "payment state")
NOTPI("payments", "created_at", "payment bookkeeping")
NOTPI("payments", "paid_at", "payment bookkeeping")
NOTPI("payments", "refund_requested_at", "payment bookkeeping")
NOTPI("payments", "refunded_at", "payment bookkeeping")

/* memberships (A6): the account's VIP membership; erased with the account */
OWNER("memberships", "user_id = ?1")
PI(VIP_PLAN, "memberships", "plan", "会员套餐", CAT_PROPERTY, P_MEMBERSHIP, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "为您提供所购会员套餐的权益")
PI(VIP_EXPIRES, "memberships", "expires_at", "会员到期时间", CAT_PROPERTY, P_MEMBERSHIP, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "判断会员权益是否有效；到期后会员失效")
PI(VIP_AUTO_RENEW, "memberships", "auto_renew", "会员自动续费设置", CAT_PROPERTY, P_MEMBERSHIP, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "记录您是否开启自动续费；您可随时取消，会员保留到到期日")
NOTPI("memberships", "user_id", "the member's account")
NOTPI("memberships", "status", "membership state")
NOTPI("memberships", "started_at", "membership bookkeeping")
NOTPI("memberships", "renew_cancelled_at", "membership bookkeeping")
NOTPI("memberships", "updated_at", "membership bookkeeping")
PI(VIP_PAY_METHOD, "memberships", "provider", "会员自动续费的支付方式", CAT_PROPERTY, P_MEMBERSHIP, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "记录您开通自动续费时签约的支付服务商，到期前一天按签约扣款续费；关闭自动续费即解约")
NOTPI("memberships", "agreement_no", "the provider's number for the standing payment agreement; names no one")

/* membership_orders: buying a membership, the payment subject beside service orders (A6, C5). At cancellation of
 * the account the link is erased (vip_erase_prepare); plan, amount and times stay, kept by law */
OWNER("membership_orders", "user_id = ?1")
PI(VIP_ORDER_PLAN, "membership_orders", "plan", "交易记录：会员套餐", CAT_PROPERTY, P_MEMBERSHIP, BASIS_LEGAL_DUTY,
   RET_LAW, 1095, "ended_at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE,
   "购买会员与支付；电子商务法要求交易信息自交易完成起保存不少于三年；注销账号后只保留不含您身份的交易记录")
PI(VIP_ORDER_AMOUNT, "membership_orders", "amount_fen", "交易记录：会员金额", CAT_PROPERTY, P_MEMBERSHIP, BASIS_LEGAL_DUTY,
   RET_LAW, 1095, "ended_at", F_KEPT_BY_LAW, MASK_NONE, SHARE_NONE,
   "购买会员与支付；电子商务法要求交易信息自交易完成起保存不少于三年；注销账号后只保留不含您身份的交易记录")
NOTPI("membership_orders", "id", "membership order row number")
NOTPI("membership_orders", "number", "membership order number, also given to the payment provider (C5); names no one")
NOTPI("membership_orders", "user_id", "the buyer's account; cleared at the buyer's cancellation")
NOTPI("membership_orders", "provider", "payment provider")
NOTPI("membership_orders", "trade_no", "the provider's number for the payment; names no one")
NOTPI("membership_orders", "pay_url", "the provider's payment page for this payment")
NOTPI("membership_orders", "status", "payment state")
NOTPI("membership_orders", "created_at", "order bookkeeping")
NOTPI("membership_orders", "paid_at", "order bookkeeping")
NOTPI("membership_orders", "ended_at", "when the transaction ended (paid; else created): retention counts from it")
NOTPI("membership_orders", "agreement_no", "the provider's number for the standing agreement signed with this order")
NOTPI("membership_orders", "renewal_key", "membership and period a renewal charge is for: one charge per period")
NOTPI("membership_orders", "failed_at", "when the provider declined a renewal charge")

/* pay_outbox: requests to a payment provider written in our transaction and sent after commit (refunds, renewal
 * charges, revoked agreements); they carry only what the provider receives (C5) */
NOTPI("pay_outbox", "id", "request number")
NOTPI("pay_outbox", "provider", "payment provider")
NOTPI("pay_outbox", "kind", "refund, charge or revoke")
NOTPI("pay_outbox", "idem_key", "the request's idempotency key (refund number, renewal order number, agreement)")
NOTPI("pay_outbox", "trade_no", "the provider's trade a refund is for; names no one")
NOTPI("pay_outbox", "agreement_no", "the provider's standing agreement a charge or revocation is for; names no one")
NOTPI("pay_outbox", "order_no", "our order number given to the provider (C5); names no one")
NOTPI("pay_outbox", "item", "name of what is paid for (C5)")
NOTPI("pay_outbox", "amount_fen", "amount in fen")
NOTPI("pay_outbox", "created_at", "request bookkeeping")
NOTPI("pay_outbox", "next_at", "next sending attempt")
NOTPI("pay_outbox", "attempts", "sending attempts so far")
NOTPI("pay_outbox", "sent_at", "when the provider accepted it")
NOTPI("pay_outbox", "dropped_at", "when it was withdrawn before being sent (a charge after renewal was cancelled)")

/* ledger: the double-entry book of money movements; accounts are a provider and merchants, never a customer */
NOTPI("ledger", "id", "entry number")
NOTPI("ledger", "txn", "movement the entry belongs to (pay:N, refund:N)")
NOTPI("ledger", "account", "provider:NAME, merchant:N or platform:membership")
NOTPI("ledger", "amount_fen", "signed amount in fen")
NOTPI("ledger", "order_id", "order the movement is for (NULL for a membership's)")
NOTPI("ledger", "at", "entry time")

/* sandbox_trades and sandbox_notices: the built-in sandbox provider's own records, standing in for a
 * provider's system; they hold exactly what a provider receives (C5): order number, item, amount */
NOTPI("sandbox_trades", "id", "row number, internal to the provider")
NOTPI("sandbox_trades", "trade_no", "the provider's random trade number (the cashier page's address); names no one")
NOTPI("sandbox_trades", "request", "the request the provider received: order number, item and amount only (C5, tested)")
NOTPI("sandbox_trades", "order_no", "our order number; names no one")
NOTPI("sandbox_trades", "item", "name of the service paid for")
NOTPI("sandbox_trades", "amount_fen", "amount in fen")
NOTPI("sandbox_trades", "status", "trade state at the provider")
NOTPI("sandbox_trades", "created_at", "trade bookkeeping")
NOTPI("sandbox_trades", "paid_at", "trade bookkeeping")
NOTPI("sandbox_trades", "refunded_at", "trade bookkeeping")
NOTPI("sandbox_trades", "agreement_no", "the standing agreement a charge was made against")
NOTPI("sandbox_agreements", "id", "row number, internal to the provider")
NOTPI("sandbox_agreements", "agreement_no", "the provider's random agreement number; names no one")
NOTPI("sandbox_agreements", "request", "the request the provider received: order number, item and amount only (C5)")
NOTPI("sandbox_agreements", "order_no", "the order the agreement was signed with; names no one")
NOTPI("sandbox_agreements", "status", "agreement state at the provider")
NOTPI("sandbox_agreements", "next_charge", "what the payer's account does with the next charge (a sandbox's test dial)")
NOTPI("sandbox_agreements", "created_at", "agreement bookkeeping")
NOTPI("sandbox_agreements", "revoked_at", "agreement bookkeeping")
NOTPI("sandbox_refunds", "id", "row number, internal to the provider")
NOTPI("sandbox_refunds", "refund_no", "our refund number, the idempotency key of a partial refund; names no one")
NOTPI("sandbox_refunds", "trade_no", "the provider's trade the refund is part of")
NOTPI("sandbox_refunds", "amount_fen", "amount refunded in fen")
NOTPI("sandbox_refunds", "created_at", "refund bookkeeping")
NOTPI("sandbox_notices", "id", "notice number")
NOTPI("sandbox_notices", "body", "signed callback: event, trade and order numbers, amount")
NOTPI("sandbox_notices", "signature", "HMAC of the body")
NOTPI("sandbox_notices", "due_at", "next delivery attempt")
NOTPI("sandbox_notices", "attempts", "delivery attempts so far")
NOTPI("sandbox_notices", "delivered_at", "when our callback acknowledged it")

/* reviews (C9): a customer's review of a completed order, shown on the service with the reviewer's nickname
 * masked; text, reply and photos sealed with the reviewer's key, so erasure reaches backups too */
OWNER("reviews", "user_id = ?1")
OWNER("review_photos", "review_id IN (SELECT id FROM reviews WHERE user_id = ?1)")
PI(REVIEW_RATING, "reviews", "rating", "服务评价：评分", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "在服务页面公开展示（评价人昵称打码），计入服务的平均评分；注销账号时删除，平均评分随之更新")
PI(REVIEW_BODY, "reviews", "body", "服务评价：文字内容", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE,
   "您在订单完成后主动发布的评价，在服务页面公开展示（评价人昵称打码）；注销账号时删除")
PI(REVIEW_REPLY, "reviews", "reply", "商家对您评价的回复", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE,
   "与您的评价一同展示；随您的评价一起保存与删除")
PI(REVIEW_PHOTO, "review_photos", "photo", "服务评价：照片", CAT_OTHER, P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT | F_BINARY, MASK_NONE, SHARE_NONE,
   "您选择随评价发布的照片，已去除拍摄位置等全部元数据，在服务页面公开展示；注销账号时删除")
NOTPI("reviews", "id", "review number")
NOTPI("reviews", "edited_at", "when the reviewer last changed the review")
NOTPI("reviews", "order_id", "the reviewed order (one review per order)")
NOTPI("reviews", "service_id", "the reviewed service")
NOTPI("reviews", "merchant_id", "the merchant who may reply")
NOTPI("reviews", "user_id", "the reviewer's account; the review is erased with it")
NOTPI("reviews", "replied_at", "review bookkeeping")
NOTPI("reviews", "created_at", "review bookkeeping")
NOTPI("review_photos", "id", "photo number")
NOTPI("review_photos", "review_id", "the review the photo belongs to")
NOTPI("review_photos", "width", "pixel width")
NOTPI("review_photos", "height", "pixel height")
NOTPI("review_photos", "created_at", "photo bookkeeping")

/* chat (C10): conversations between two people about a listing (later an order); kept 180 days from the
 * last message, each message 180 days from its sending, to settle what was agreed (E6), then deleted */
NOTPI("chat_conversations", "id", "conversation number")
NOTPI("chat_conversations", "subject_kind", "what the conversation is about: listing (later order)")
NOTPI("chat_conversations", "subject_id", "number of that listing or order")
NOTPI("chat_conversations", "created_at", "conversation bookkeeping; an empty shell is removed by the chat sweep")
PI(CHAT_MEMBER, "chat_members", "conversation_id", "微聊会话记录（与谁、就哪条信息沟通）", CAT_COMMS, P_CHAT, BASIS_CONTRACT,
   RET_DAYS, 180, "last_at", F_NONE, MASK_NONE, SHARE_NONE,
   "在“我的微聊”中列出您的会话；最后一条消息后保存180天，期满删除")
NOTPI("chat_members", "user_id", "the member's account; the row is erased with the account")
NOTPI("chat_members", "role", "starter (the interested person) or owner (the poster)")
NOTPI("chat_members", "last_at", "time of the conversation's last message, for sorting and retention")
NOTPI("chat_members", "read_upto", "read receipt: the last message this member has read")
NOTPI("chat_members", "blocked", "whether this member refuses further messages")
PI(CHAT_BODY, "chat_messages", "body", "微聊消息内容", CAT_COMMS, P_CHAT, BASIS_CONTRACT,
   RET_DAYS, 180, "created_at", F_ENCRYPT, MASK_NONE, SHARE_NONE,
   "您发给对方的文字消息，只有会话双方能看到；对方看到的电话、邮箱、微信号默认打码，除非您选择展示；保存180天")
NOTPI("chat_messages", "id", "message number")
NOTPI("chat_messages", "conversation_id", "conversation of the message")
NOTPI("chat_messages", "sender_id", "author's account; the author's messages are erased with the account")
NOTPI("chat_messages", "kind", "text or voice")
NOTPI("chat_messages", "shared", "whether the author chose to show contact details unmasked (recorded as a share)")
NOTPI("chat_messages", "audio_type", "kind of audio of a voice note")
NOTPI("chat_messages", "duration_ms", "length of a voice note")
NOTPI("chat_messages", "created_at", "time of sending, part of the message")
PI(CHAT_VOICE, "chat_voice", "audio", "微聊语音消息", CAT_COMMS, P_CHAT, BASIS_CONSENT,
   RET_DAYS, 180, "created_at", F_ENCRYPT | F_BINARY, MASK_NONE, SHARE_NONE,
   "您录制并发送的语音，加密保存，只有会话双方能收听；保存180天")
NOTPI("chat_voice", "message_id", "the voice note's message")
NOTPI("chat_voice", "created_at", "time of sending, for retention")
NOTPI("chat_reports", "id", "report number")
NOTPI("chat_reports", "conversation_id", "reported conversation")
NOTPI("chat_reports", "user_id", "reporting account; erased with the account")
NOTPI("chat_reports", "reason", "chosen reason code")
NOTPI("chat_reports", "at", "report time")

/* tickets and ticket_messages: customer service and complaints (C2, H5); the whole conversation, support's
 * answers included, is sealed with the person's key and kept 180 days after the ticket is closed */
PI(TICKET_SUBJECT, "tickets", "subject", "客服工单标题", CAT_COMMS, P_SUPPORT, BASIS_CONTRACT,
   RET_DAYS, 180, "closed_at", F_ENCRYPT, MASK_NONE, SHARE_NONE,
   "您向客服咨询、投诉或申诉时填写；工单关闭后保存180天，期满删除")
NOTPI("tickets", "id", "ticket number")
NOTPI("tickets", "user_id", "author's account; the ticket is erased with the account")
NOTPI("tickets", "category", "question, complaint, appeal or privacy")
NOTPI("tickets", "listing_id", "number of the listing the ticket is about, if any")
NOTPI("tickets", "status", "open, answered or closed")
NOTPI("tickets", "created_at", "ticket bookkeeping")
NOTPI("tickets", "deadline_at", "when an answer is due (H5: 15 days)")
NOTPI("tickets", "answered_at", "time of support's first answer")
NOTPI("tickets", "closed_at", "time of closing; retention counts from it")
NOTPI("tickets", "updated_at", "ticket bookkeeping")
PI(TICKET_BODY, "ticket_messages", "body", "客服沟通记录", CAT_COMMS, P_SUPPORT, BASIS_CONTRACT,
   RET_DAYS, 180, "closed_at", F_ENCRYPT, MASK_NONE, SHARE_NONE,
   "您与客服之间的沟通内容，用于解决您的问题并记录处理结果；工单关闭后保存180天")
PI(TICKET_PHOTO, "ticket_messages", "photo", "客服工单附图", CAT_COMMS, P_SUPPORT, BASIS_CONSENT,
   RET_DAYS, 180, "closed_at", F_ENCRYPT | F_BINARY, MASK_NONE, SHARE_NONE,
   "您选择上传的截图或照片，已去除拍摄位置等全部元数据，仅您和客服人员可见；工单关闭后保存180天")
NOTPI("ticket_messages", "id", "message number")
NOTPI("ticket_messages", "ticket_id", "ticket of the message")
NOTPI("ticket_messages", "author_id", "support staff member who answered (NULL: the ticket's author)")
NOTPI("ticket_messages", "from_staff", "whether support wrote it")
NOTPI("ticket_messages", "created_at", "time of the message, part of it")
NOTPI("ticket_messages", "closed_at", "time the ticket closed; retention counts from it")

/* marketing (C4): invitation rewards and gifts; a delivery address exists only for a claimed gift */
PI(INVITE_CODE, "invite_codes", "code", "邀请码", CAT_IDENTIFIER, P_MARKETING, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "您分享给朋友的随机邀请码，不含您的手机号等信息")
NOTPI("invite_codes", "user_id", "owner of the code; erased with the account")
NOTPI("invite_codes", "created_at", "code bookkeeping")
PI(INVITE_AT, "invitations", "at", "邀请注册记录", CAT_OTHER, P_MARKETING, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "记录您通过谁的邀请码注册、您邀请了几位朋友，用于发放邀请奖励")
NOTPI("invitations", "invitee_id", "the invited account; the record goes with either account")
NOTPI("invitations", "inviter_id", "the inviting account; the record goes with either account")
PI(REWARD_POINTS, "reward_points", "points", "奖励积分", CAT_PROPERTY, P_MARKETING, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "邀请奖励获得、兑换礼品使用的积分")
NOTPI("reward_points", "id", "entry number")
NOTPI("reward_points", "user_id", "owner of the points")
NOTPI("reward_points", "reason", "invite or gift")
NOTPI("reward_points", "at", "time of the entry")
PI(GIFT_NAME, "gift_claims", "name", "礼品收件人姓名", CAT_BASIC, P_MARKETING, BASIS_CONSENT,
   RET_DAYS, 90, "created_at", F_ENCRYPT, MASK_NAME, SHARE_NONE, "仅在您兑换礼品时收集，用于寄送；兑换后保存90天")
PI(GIFT_PHONE, "gift_claims", "phone", "礼品收件人电话", CAT_BASIC, P_MARKETING, BASIS_CONSENT,
   RET_DAYS, 90, "created_at", F_ENCRYPT, MASK_PHONE, SHARE_NONE, "仅在您兑换礼品时收集，用于寄送；兑换后保存90天")
PI(GIFT_ADDRESS, "gift_claims", "address", "礼品收货地址", CAT_LOCATION, P_MARKETING, BASIS_CONSENT,
   RET_DAYS, 90, "created_at", F_ENCRYPT, MASK_ADDRESS, SHARE_NONE, "仅在您兑换礼品时收集，用于寄送；兑换后保存90天")
NOTPI("gift_claims", "id", "claim number")
NOTPI("gift_claims", "user_id", "claiming account; erased with the account")
NOTPI("gift_claims", "gift", "which gift")
NOTPI("gift_claims", "status", "pending or shipped")
NOTPI("gift_claims", "created_at", "time of the claim; retention counts from it")

/* verifications: real-name verification (C1, H1); sensitive, with its own consent ("sensitive_identity") */
PI(VERIFY_NAME, "verifications", "name", "真实姓名", CAT_IDENTITY, P_VERIFY, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT | F_SENSITIVE | F_MASKED_ONLY, MASK_NAME, SHARE_NONE,
   "实名认证（需您单独同意）；认证后只显示为 张**，他人只能看到“已实名”标记")
PI(VERIFY_ID, "verifications", "id_number", "身份证号", CAT_IDENTITY, P_VERIFY, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT | F_SENSITIVE | F_MASKED_ONLY, MASK_ID, SHARE_NONE,
   "实名认证与判断年龄（未成年人保护）；认证后只显示为 1101**********002X")
PI(VERIFY_CARD, "verifications", "bank_card", "银行卡号", CAT_PROPERTY, P_VERIFY, BASIS_CONSENT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT | F_SENSITIVE | F_MASKED_ONLY, MASK_CARD, SHARE_NONE,
   "实名认证（选填）；认证后只显示后四位")
NOTPI("verifications", "user_id", "the verified account")
NOTPI("verifications", "method", "how it was verified (local format check, known list, provider)")
NOTPI("verifications", "verified_at", "time of verification; the public badge")


/* organizations: employers reviewed by staff before they may search resumes or post many jobs (C7) */
PI(ORG_NAME, "organizations", "name", "招聘单位名称", CAT_WORK, P_PUBLISH | P_VERIFY, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "审核招聘方资质；通过审核后在您发布的招聘信息旁显示（个体工商户的名称可能含有经营者姓名）")
PI(ORG_CREDIT_CODE, "organizations", "credit_code", "统一社会信用代码", CAT_WORK, P_VERIFY, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_HIDE, SHARE_NONE, "审核招聘方资质；仅审核人员可见，每次查看都有记录")
PI(ORG_LICENCE, "organizations", "licence", "营业执照照片", CAT_WORK, P_VERIFY, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_HIDE, SHARE_NONE,
   "审核招聘方资质；从不公开，仅审核人员查看且每次查看都有记录；上传时已去除全部元数据")
NOTPI("organizations", "id", "organisation number")
NOTPI("organizations", "user_id", "the account that submitted it")
NOTPI("organizations", "status", "review state")
NOTPI("organizations", "review_note", "a rejection's reason code from a fixed list (org_reasons); no free text")
NOTPI("organizations", "reviewed_at", "review bookkeeping")
NOTPI("organizations", "created_at", "record bookkeeping")
NOTPI("organizations", "updated_at", "record bookkeeping")

/* resumes: a job seeker's resumes (C6, E5); what can be searched is a coarse projection, the rest sealed */
PI(RESUME_NAME, "resumes", "name", "简历中的姓名", CAT_BASIC, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NAME, SHARE_NONE,
   "求职：只提供给您投递的招聘方；您选择公开后，通过审核的招聘方也可查看")
PI(RESUME_PHONE, "resumes", "phone", "简历中的联系电话", CAT_BASIC, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_PHONE, SHARE_NONE, "让您投递的招聘方联系您")
PI(RESUME_EMAIL, "resumes", "email", "简历中的电子邮箱", CAT_BASIC, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_EMAIL, SHARE_NONE, "让您投递的招聘方联系您（选填）")
PI(RESUME_EDUCATION, "resumes", "education", "教育经历", CAT_WORK, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "供您投递的招聘方了解您（选填）")
PI(RESUME_EXPERIENCE, "resumes", "experience", "工作经历", CAT_WORK, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "供您投递的招聘方了解您（选填）")
PI(RESUME_SALARY, "resumes", "salary", "期望薪资", CAT_WORK, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_ENCRYPT, MASK_NONE, SHARE_NONE, "供您投递的招聘方了解您（选填）")
PI(RESUME_POSITION, "resumes", "position", "期望职位", CAT_WORK, P_CONTACT | P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "公开的简历可被通过审核的招聘方按期望职位检索；为便于检索不加密，单独不能识别您")
PI(RESUME_CITY, "resumes", "city", "期望工作城市", CAT_WORK, P_CONTACT | P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "公开的简历可被通过审核的招聘方按城市检索")
PI(RESUME_YEARS, "resumes", "years", "工作年限", CAT_WORK, P_CONTACT | P_PUBLISH, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "公开的简历可被通过审核的招聘方按工作年限筛选")
NOTPI("resumes", "id", "resume number")
NOTPI("resumes", "user_id", "owner of the resume")
NOTPI("resumes", "visibility", "who may see it: employers applied to, all approved employers, or nobody")
NOTPI("resumes", "created_at", "resume bookkeeping")
NOTPI("resumes", "updated_at", "resume bookkeeping")

/* applications and interviews: a resume shared with one employer (E5) and the interview it leads to (C11) */
PI(APPLICATION_LISTING, "applications", "listing_id", "投递记录", CAT_WORK, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE,
   "记录您用哪份简历投递了哪个职位，供您和该招聘方查看；撤回后招聘方不能再查看您的简历")
NOTPI("applications", "id", "application number")
NOTPI("applications", "resume_id", "the resume shared (declared above)")
NOTPI("applications", "user_id", "the applicant's account")
NOTPI("applications", "employer_id", "the employer's account that received it")
NOTPI("applications", "status", "state: submitted, viewed, interview, rejected, withdrawn")
NOTPI("applications", "created_at", "application bookkeeping")
NOTPI("applications", "updated_at", "application bookkeeping")
PI(INTERVIEW_TIME, "interviews", "starts_at", "面试时间", CAT_WORK, P_CONTACT, BASIS_CONTRACT,
   RET_ACCOUNT, 0, NULL, F_NONE, MASK_NONE, SHARE_NONE, "招聘方邀请您面试的时间；您接受后可加入日历")
NOTPI("interviews", "id", "interview number")
NOTPI("interviews", "application_id", "the application")
NOTPI("interviews", "minutes", "length of the interview")
NOTPI("interviews", "place", "where the employer holds it: the employer's business address")
NOTPI("interviews", "note", "the employer's note to applicants; never personal data")
NOTPI("interviews", "status", "proposed, accepted, declined")
NOTPI("interviews", "created_at", "interview bookkeeping")
NOTPI("interviews", "updated_at", "interview bookkeeping")

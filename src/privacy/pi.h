/*
 * pi.h — the personal-information inventory and the only door to PI fields.
 *
 * pi_fields[] is generated from pi_decl.h. Domain code seals and opens
 * personal fields through pi_seal / pi_open, naming the field and the purpose
 * of the read; a purpose the declaration does not allow is refused (and the
 * caller audits it). Nothing else in Linli calls the vault's sealing.
 */
#ifndef LL_PI_H
#define LL_PI_H
#include "base/arena.h"
#include "base/ctx.h"
#include "store/vault.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CAT_BASIC,      /* 个人基本资料 */
    CAT_IDENTITY,   /* 个人身份信息 */
    CAT_IDENTIFIER, /* 网络身份标识信息 */
    CAT_WORK,       /* 个人教育工作信息 */
    CAT_PROPERTY,   /* 个人财产信息 */
    CAT_COMMS,      /* 个人通信信息 */
    CAT_WEB_RECORD, /* 个人上网记录 */
    CAT_DEVICE,     /* 个人常用设备信息 */
    CAT_LOCATION,   /* 个人位置信息 */
    CAT_OTHER,      /* 其他信息 */
    CAT__COUNT
} pi_cat_t;

/* Purposes are bits so a field may allow several. */
enum {
    P_ACCOUNT = 1u << 0,  /* 账号注册与登录 */
    P_SECURITY = 1u << 1, /* 账号与交易安全 */
    P_PROFILE = 1u << 2,  /* 个人资料展示与管理 */
    P_EXPORT = 1u << 3,   /* 响应您查阅、复制个人信息的请求（每个字段都允许） */
    P_PUBLISH = 1u << 4,  /* 信息发布与展示 */
    P_CONTACT = 1u << 5,  /* 帮助有意者联系发布者 */
    P_VERIFY = 1u << 6,   /* 核验信息真实性（仅审核人员） */
    P_ORDER = 1u << 7,    /* 完成上门服务订单（预约、上门、支付、售后） */
    P_CHAT = 1u << 8,     /* 用户之间就信息或订单沟通（微聊） */
    P_SUPPORT = 1u << 9,  /* 客户服务与投诉处理 */
    P_MARKETING = 1u << 10, /* 营销活动与礼品寄送 */
    P_MEMBERSHIP = 1u << 11, /* 会员服务（购买、续费与会员权益） */
    P__COUNT = 12
};

typedef enum { BASIS_CONSENT, BASIS_CONTRACT, BASIS_LEGAL_DUTY, BASIS_LEGITIMATE } pi_basis_t;
typedef enum { RET_ACCOUNT, RET_DAYS, RET_LAW, RET_LISTING } pi_retention_t;
enum {
    F_NONE = 0,
    F_ENCRYPT = 1u << 0,      /* sealed with the subject's data key */
    F_BLIND = 1u << 1,        /* a keyed one-way hash (pseudonym) */
    F_HASHED = 1u << 2,       /* a one-way password hash */
    F_SENSITIVE = 1u << 3,    /* 个人敏感信息 */
    F_KEPT_BY_LAW = 1u << 4,  /* survives account cancellation until its period ends */
    F_BINARY = 1u << 5,       /* bytes, not text (a voice note, a photo): the export gives them in base64 */
    F_MASKED_ONLY = 1u << 6,  /* never shown in full again, not even to the person (C1): the export masks it */
};
typedef enum { MASK_NONE, MASK_HIDE, MASK_PHONE, MASK_NAME, MASK_EMAIL, MASK_IP, MASK_PLATE, MASK_ADDRESS, MASK_ID, MASK_CARD } pi_mask_t;
enum { SHARE_NONE = 0 };

typedef enum {
#define PI(id, ...) PI_##id,
#define NOTPI(...)
#define OWNER(...)
#include "privacy/pi_decl.h"
#undef PI
#undef NOTPI
#undef OWNER
    PI__COUNT
} pi_id_t;

typedef struct {
    const char *table, *column, *ad; /* ad: "table.column", the sealing context */
    const char *label, *scenario;    /* 名称, 使用场景 (published) */
    pi_cat_t cat;
    unsigned purposes;
    pi_basis_t basis;
    pi_retention_t retention;
    int days;
    const char *since; /* the column retention counts from (RET_DAYS, RET_LAW) */
    unsigned flags;
    pi_mask_t mask;
    unsigned share;
} pi_field_t;

typedef struct {
    const char *table, *column, *why;
} pi_nonpi_t;

typedef struct {
    const char *table, *where; /* where: rows of account ?1, or NULL if none can be tied to one */
} pi_owner_t;

extern const pi_field_t pi_fields[PI__COUNT];
extern const pi_owner_t pi_owners[];
extern const size_t pi_owner_count;
/* How rows of a table belong to an account; NULL if undeclared. */
const pi_owner_t *pi_owner(const char *table);
extern const pi_nonpi_t pi_nonpi[];
extern const size_t pi_nonpi_count;

const char *pi_cat_label(pi_cat_t c);
const char *pi_basis_label(pi_basis_t b);
const char *pi_purpose_label(unsigned bit);
/* 保存期限 in words, e.g. "账号存续期间" or "30天". */
const char *pi_retention_label(arena_t *a, pi_id_t f);
/* The field declared for table.column, or -1. */
int pi_find(const char *table, const char *column);

/* Seals plain (len bytes) for field f with the subject's data key; *outlen set. */
uint8_t *pi_seal(arena_t *a, pi_id_t f, const uint8_t dek[VAULT_KEY_LEN], const void *plain, size_t len,
                 size_t *outlen);
/*
 * Opens a sealed value of field f for purpose (a P_ bit) into a NUL-ended
 * arena string. LL_DENIED if the declaration does not allow the purpose,
 * LL_ERR if the value does not open (wrong key, tampered).
 */
int pi_open(arena_t *a, pi_id_t f, unsigned purpose, const uint8_t dek[VAULT_KEY_LEN], const void *blob,
            size_t len, char **out);
/* The masked form of a plain value of field f, per its declaration. */
char *pi_mask(arena_t *a, pi_id_t f, const char *plain);
/* The masked form of a phone number: 138****8000. */
char *pi_mask_phone(arena_t *a, const char *phone);
/* The masked form of a name: its first character and "**" (王**). */
char *pi_mask_name(arena_t *a, const char *name);



/*
 * The data key of account uid, unwrapped, from the key store (keys.deks);
 * LL_NOTFOUND if the account or its key is gone (a key is destroyed at
 * cancellation, so a restored backup's cancelled accounts have none).
 */
int pi_subject_key(ctx_t *c, int64_t uid, uint8_t dek[VAULT_KEY_LEN]);
/* Stores the wrapped data key of a new account uid in the key store (inside the caller's transaction). */
int pi_subject_key_store(ctx_t *c, int64_t uid, const uint8_t wrapped[VAULT_WRAPPED_LEN]);
/* Re-wraps every data key made under an older master key; *done counts them. */
int pi_rewrap_keys(ctx_t *c, int64_t *done);
#endif

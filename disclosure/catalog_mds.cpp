// The MDS items of the guideline's 【別紙】, in its order and wording (seed 001).
#include "disclosure/catalog.hpp"
#include "disclosure/catalog_text.hpp"

#include <array>

namespace sekisho::disclosure {

namespace {

using namespace catalog_text;

constexpr std::array<CatalogItem, 41> kItems{{
    CatalogItem{"MDS", "No.28", kS5Ja, kS5En,
                "システムの移行の際に診療録等のデータを標準形式が存在する項目に関しては標準形式で、標準形式が存在しない項目では変換が"
                "容易なデータ形式にて出力及び入力できる機能があるか？",
                "When the system is migrated, can medical-record data be exported and imported in a standard format "
                "where one exists, and otherwise in an easily converted format?",
                Check::outside, kRecordsJa, kRecordsEn},
    CatalogItem{"MDS", "No.29", kS5Ja, kS5En,
                "マスタデータベースの変更の際に、過去の診療録等の情報に対する内容の変更が起こらない機能を備えているか？",
                "When a master database changes, is the content of past medical records kept unchanged?", Check::outside,
                kRecordsJa, kRecordsEn},
    CatalogItem{"MDS", "No.10", kS7Ja, kS7En,
                "管理区域外への持ち出しの際、起動パスワード等のアクセス制限機能または暗号化機能があるか？",
                "When taken out of the controlled area, does it have access control (a start-up password) or "
                "encryption?",
                Check::outside, kTerminalJa, kTerminalEn},
    CatalogItem{"MDS", "No.8", kS7Ja, kS7En, "持ち出し機器にソフトウェアインストール制限があるか？",
                "Is software installation restricted on portable devices?", Check::outside, kTerminalJa, kTerminalEn},
    CatalogItem{"MDS", "No.9", kS7Ja, kS7En, "持ち出し機器において、外部入出力装置の機能を無効にすることができるか？",
                "Can external input/output devices be disabled on portable devices?", Check::outside, kTerminalJa,
                kTerminalEn},
    CatalogItem{"MDS", "No.12.4.1", kS7Ja, kS7En, "不要なりモートログインを制限する仕組みがあるか？",
                "Is there a mechanism restricting unnecessary remote logins?", Check::remote_login},
    CatalogItem{"MDS", "No.6", kS8Ja, kS8En, "不正ソフトウェア対策機能を有しているか？",
                "Does it have protection against malicious software?", Check::outside, kMalwareJa, kMalwareEn},
    CatalogItem{"MDS", "No.22", kS8Ja, kS8En,
                "不正ソフトウェアによる情報の破壊、混同等が起こらないようにするための防護機能があるか？",
                "Is there protection against destruction or mixing-up of information by malicious software?",
                Check::outside, kMalwareJa, kMalwareEn},
    CatalogItem{"MDS", "No.20", kS9Ja, kS9En, "目的に応じて速やかに検索結果を出力する機能があるか？",
                "Can search results be produced promptly for the purpose at hand?", Check::outside, kRecordsJa,
                kRecordsEn},
    CatalogItem{"MDS", "No.11", kS11Ja, kS11En, "非常時アカウント等で医療サービス継続機能があるか？",
                "Can medical services continue through emergency accounts or the like?", Check::emergency_accounts},
    CatalogItem{"MDS", "No.21 / 21.1 / 21.2", kS11Ja, kS11En,
                "システム障害に備えた冗長化手段や代替的な見読化手段はあるか？",
                "Is there redundancy, or an alternative means of reading, in case of a system failure?",
                Check::redundancy},
    CatalogItem{"MDS", "No.3", kS12Ja, kS12En, "離席時の不正入力防止の機能があるか？",
                "Is there protection against unauthorised input while the user is away from the terminal?",
                Check::unattended_terminal},
    CatalogItem{"MDS", "No.23", kS12Ja, kS12En,
                "記録媒体及び記録機器の保管及び取扱いについて、医療機関等が運用管理規程を定めるために必要な情報が、取扱説明書等の文書"
                "として提供されているか？",
                "Is the information the institution needs for its operating rules on storing and handling media and "
                "recording equipment provided in documents such as manuals?",
                Check::outside, kDocumentsJa, kDocumentsEn},
    CatalogItem{"MDS", "No.24", kS12Ja, kS12En,
                "情報の保存やバックアップについて、医療機関等が運用管理規程を定めるために必要な情報が、取扱説明書等の文書として提供され"
                "ているか？",
                "Is the information the institution needs for its operating rules on storage and backups provided in "
                "documents such as manuals?",
                Check::outside, kDocumentsJa, kDocumentsEn},
    CatalogItem{"MDS", "No.27", kS12Ja, kS12En, "媒体劣化前に複写できる機能があるか？",
                "Can media be copied before they deteriorate?", Check::outside, kRecordsJa, kRecordsEn},
    CatalogItem{"MDS", "No.12.3.1.1", kS13Ja, kS13En, kCommJa, kCommEn, Check::transport_client_auth},
    CatalogItem{"MDS", "No.12.2", kS13Ja, kS13En, "データの暗号化が可能か？", "Can data be encrypted?",
                Check::encryption},
    CatalogItem{"MDS", "No.12.1", kS13Ja, kS13En, "なりすまし対策を行っているか？",
                "Are there measures against impersonation?", Check::spoofing},
    CatalogItem{"MDS", "No.7", kS13Ja, kS13En, "無線 LAN のセキュリティ対策機能があるか？",
                "Does it have security functions for wireless LAN?", Check::outside, kWirelessJa, kWirelessEn},
    CatalogItem{"MDS", "No.4.1", kS14Ja, kS14En, kTwoFactorJa, kTwoFactorEn, Check::two_factor},
    CatalogItem{"MDS", "No.4.1.2", kS14Ja, kS14En,
                "デバイス破損時の代替機能があるか？ (破損によりログインができなくなった際に、認証のバイパスを許可することができる場合は"
                "「はい」を選択してください。)",
                "Is there a fallback when the device breaks? (Answer yes when authentication can be bypassed by "
                "permission when a broken device prevents login.)",
                Check::device_fallback},
    CatalogItem{"MDS", "No.4.2", kS14Ja, kS14En, "職種・担当別アクセス管理機能があるか？",
                "Can access be managed by job type and duty?", Check::roles},
    CatalogItem{"MDS", "No.14", kS14Ja, kS14En, "入力者・確定者を識別し認証する機能があるか？",
                "Are the persons who enter and finalise records identified and authenticated?", Check::identification},
    CatalogItem{"MDS", "No.14.1", kS14Ja, kS14En, "区分管理に応じた権限管理機能があるか？",
                "Are permissions managed according to categories?", Check::roles},
    CatalogItem{"MDS", "No.15", kS14Ja, kS14En, "端末管理による不正アクセス防止機能があるか？",
                "Is unauthorised access prevented by managing the terminals?", Check::terminal_management},
    CatalogItem{"MDS", "No.16", kS14Ja, kS14En, "記録確定機能があるか？", "Can records be finalised?", Check::outside,
                kRecordsJa, kRecordsEn},
    CatalogItem{"MDS", "No.16.1", kS14Ja, kS14En, "識別情報と正確な時刻を含め作成できるか？",
                "Can they be made with identification and an accurate time?", Check::outside, kRecordsJa, kRecordsEn},
    CatalogItem{"MDS", "No.16.3", kS14Ja, kS14En, "故意の書換え・消去を防止する機能があるか？",
                "Is deliberate rewriting or erasure prevented?", Check::outside, kRecordsJa, kRecordsEn},
    CatalogItem{"MDS", "No.17", kS14Ja, kS14En, "装置が確定機能を持たない場合、識別情報を記録する機能があるか？",
                "Where the device cannot finalise records, is identification recorded?", Check::outside, kRecordsJa,
                kRecordsEn},
    CatalogItem{"MDS", "No.18", kS14Ja, kS14En, "確定記録の更新時に履歴保存と参照が可能か？",
                "When a finalised record is updated, is its history kept and viewable?", Check::outside, kRecordsJa,
                kRecordsEn},
    CatalogItem{"MDS", "No.13.1", kS15Ja, kS15En,
                "HPKI 認証局、認定認証局又は公的個人認証サービスが発行する証明書対応の署名機能があるか？",
                "Can it sign with certificates from the HPKI, an accredited CA or the public personal "
                "authentication service?",
                Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"MDS", "No.13.3", kS15Ja, kS15En, "認定事業者のタイムスタンプ付与が可能か？",
                "Can a time stamp from an accredited provider be applied?", Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"MDS", "No.13.5", kS15Ja, kS15En, "保存期間中の文書の真正性を担保する仕組みがあるか？（長期署名等）",
                "Is the authenticity of documents ensured during their retention period (long-term signatures)?",
                Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"MDS", "No.30", kS16Ja, kS16En, "スキャナで原本として保存する機能があるか？",
                "Can scanned documents be kept as originals?", Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"MDS", "No.30.1/31.1", kS16Ja, kS16En, "スキャナが基準を満たしているか？",
                "Does the scanner meet the standard?", Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"MDS", "No.30.2", kS16Ja, kS16En, "電子署名を行える機能があるか？",
                "Can electronic signatures be made?", Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"MDS", "No.4.3", kS17Ja, kS17En, "アクセス記録（アクセスログ）機能があるか？",
                "Are accesses recorded (access log)?", Check::access_log},
    CatalogItem{"MDS", "No.25", kS17Ja, kS17En, "システムが保存する情報へのアクセスについて、履歴を残す機能があるか？",
                "Is a history kept of accesses to the information the system holds?", Check::access_history},
    CatalogItem{"MDS", "No.4.3.2", kS17Ja, kS17En, "アクセスログへのアクセス制限機能があるか？",
                "Is access to the access log restricted?", Check::log_protection},
    CatalogItem{"MDS", "No.5", kS17Ja, kS17En, "時刻情報の正確性を担保する機能があるか？",
                "Is the accuracy of time information ensured?", Check::time_accuracy},
    CatalogItem{"MDS", "No.26", kS18Ja, kS18En,
                "システムが保存する情報が毀損した時に、バックアップされたデータを用いて、毀損前の状態に戻すための機能があるか？",
                "When the information the system holds is damaged, can it be returned to its earlier state from "
                "backed-up data?",
                Check::restore},
}};

} // namespace

std::span<const CatalogItem> mds_items() {
    return kItems;
}

} // namespace sekisho::disclosure

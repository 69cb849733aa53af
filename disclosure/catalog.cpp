#include "disclosure/catalog.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sekisho::disclosure {

namespace {

// Why an item is 対象外 for a gateway: the reasons shared by several items.
constexpr const char* kRecordsJa =
    "診療録等の作成・保存・確定・検索はゲートウェイの背後のサービス（SaaS）が行う。本ゲートウェイは診療情報を保存しない";
constexpr const char* kRecordsEn =
    "Medical records are made, kept, finalised and searched by the service (SaaS) behind the gateway; the gateway "
    "stores no medical information";
constexpr const char* kTerminalJa =
    "端末・持ち出し機器・記録媒体そのものの対策であり、ゲートウェイの機能ではない（本ゲートウェイは登録された端末以外を通さない）";
constexpr const char* kTerminalEn =
    "A measure of the terminals, portable devices and media themselves, not of the gateway (which admits no "
    "terminal that is not registered)";
constexpr const char* kOrganisationJa =
    "サービス事業者の組織的・契約上の対策であり、ゲートウェイの設定からは判定できない（サービス事業者の SDS で回答する）";
constexpr const char* kOrganisationEn =
    "An organisational or contractual measure of the service provider, which the gateway's configuration cannot "
    "show (answered in the provider's own SDS)";
constexpr const char* kPhysicalJa =
    "設置場所・入退室の物理的対策であり、ゲートウェイの設定からは判定できない（サービス事業者の SDS で回答する）";
constexpr const char* kPhysicalEn =
    "A physical measure of the premises and rooms, which the gateway's configuration cannot show (answered in the "
    "provider's own SDS)";
constexpr const char* kDocumentsJa =
    "医療機関への文書の提供であり、ゲートウェイが生成する情報ではない（サービス事業者の SDS で回答する）";
constexpr const char* kDocumentsEn =
    "The provision of documents to the medical institution, not something the gateway produces (answered in the "
    "provider's own SDS)";
constexpr const char* kMalwareJa =
    "通信内容の検査・無害化はゲートウェイの機能ではない（端末・サーバ側の不正ソフトウェア対策製品で行う）";
constexpr const char* kMalwareEn =
    "Inspecting or sanitising content is not a function of the gateway (done by anti-malware products on the "
    "terminals and servers)";
constexpr const char* kWirelessJa = "無線 LAN は院内ネットワーク機器の対策であり、ゲートウェイの機能ではない";
constexpr const char* kWirelessEn = "Wireless LAN security belongs to the network equipment, not to the gateway";
constexpr const char* kSignatureJa =
    "電子署名・タイムスタンプ・スキャナ保存は診療文書を扱うサービス（SaaS）の機能であり、ゲートウェイは診療文書を扱わない";
constexpr const char* kSignatureEn =
    "Electronic signatures, time stamps and scanned originals are functions of the service (SaaS) handling the "
    "documents; the gateway handles no clinical documents";

constexpr const char* kS5Ja = "5. システム設計の見直し（標準化対応等）";
constexpr const char* kS5En = "5. Review of the system design (standardisation)";
constexpr const char* kS7Ja = "7. 情報管理（管理・持ち出し・破棄等）";
constexpr const char* kS7En = "7. Information management (handling, taking out, disposal)";
constexpr const char* kS8Ja = "8. 利用機器・サービスに対する安全管理措置";
constexpr const char* kS8En = "8. Safety measures for the equipment and services used";
constexpr const char* kS9Ja = "9. ソフトウェア・サービスに対する要求事項";
constexpr const char* kS9En = "9. Requirements on software and services";
constexpr const char* kS11Ja = "11. システム運用管理（通常時・非常時等）";
constexpr const char* kS11En = "11. System operation (normal times and emergencies)";
constexpr const char* kS12Ja = "12. 物理的安全管理措置";
constexpr const char* kS12En = "12. Physical safety measures";
constexpr const char* kS13Ja = "13. ネットワークに関する安全管理措置";
constexpr const char* kS13En = "13. Network safety measures";
constexpr const char* kS14Ja = "14. 認証・認可に関する安全管理措置";
constexpr const char* kS14En = "14. Authentication and authorisation";
constexpr const char* kS15Ja = "15. 電子署名、タイムスタンプ";
constexpr const char* kS15En = "15. Electronic signatures, time stamps";
constexpr const char* kS16Ja = "16. 紙媒体等で作成した医療情報の電子化";
constexpr const char* kS16En = "16. Digitising medical information made on paper";
constexpr const char* kS17Ja = "17. 証跡のレビュー・システム監査";
constexpr const char* kS17En = "17. Review of trails, system audit";
constexpr const char* kS18Ja = "18. 外部からの攻撃に対する安全管理措置";
constexpr const char* kS18En = "18. Safety measures against attacks from outside";
constexpr const char* kS2Ja = "2. システム設計・運用に必要な規程類と文書体系";
constexpr const char* kS2En = "2. Rules and documents needed to design and run the system";
constexpr const char* kS3Ja = "3. 責任分界";
constexpr const char* kS3En = "3. Division of responsibility";
constexpr const char* kS4Ja = "4. リスクアセスメントを踏まえた安全管理対策の設計";
constexpr const char* kS4En = "4. Safety measures designed from a risk assessment";
constexpr const char* kS10Ja = "10. 事業者による保守対応等に対する安全管理措置";
constexpr const char* kS10En = "10. Safety measures for maintenance by the provider";

constexpr const char* kCommJa =
    "通信方式として、下記いずれかに対応しているか？ ・専用線 ・IP-VPN ・IPsec-VPN+IKE (セッション間の回り込み対策含む) "
    "・TLS1.2(高セキュリティ型)以上のクライアント認証";
constexpr const char* kCommEn =
    "Does it support one of these communication methods? Leased line; IP-VPN; IPsec-VPN + IKE (with measures against "
    "session cross-over); client authentication over TLS 1.2 (high-security profile) or later";
constexpr const char* kTwoFactorJa =
    "利用者の認証方式について、下記のうち二要素を組み合わせた認証が可能か？ ・記憶 (ID・パスワード等) ・生体認証 (指紋等) "
    "・物理媒体 (IC カード等) (二要素認証に対応済、もしくは医療機関等の次期システム更改までに二要素認証とみなすことが可能な措置に"
    "対応予定の場合は「はい」を選択してください。)";
constexpr const char* kTwoFactorEn =
    "Can users be authenticated by two of these factors combined? Knowledge (ID, password); biometrics "
    "(fingerprint); a physical token (IC card). (Answer yes when two-factor authentication is supported, or a "
    "measure that counts as two-factor is planned by the institution's next system renewal.)";

constexpr std::array kItems{
    // ---- MDS ----
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
    // ---- SDS ----
    CatalogItem{"SDS", "No.56", kS2Ja, kS2En, "医療機関等に提供可能なサービス事業者のBCP 手順書が用意されているか？",
                "Does the provider have a BCP procedure it can give the institution?", Check::outside, kOrganisationJa,
                kOrganisationEn},
    CatalogItem{"SDS", "No.57.1", kS2Ja, kS2En, "「非常時のユーザアカウントや非常時用機能」の管理手順を提供できるか？",
                "Can a procedure for managing emergency user accounts and emergency functions be provided?",
                Check::emergency_procedure},
    CatalogItem{"SDS", "No.7", kS3Ja, kS3En, "医療機関等との契約に安全管理に関する条項を含めているか？",
                "Do contracts with institutions include safety-management clauses?", Check::outside, kOrganisationJa,
                kOrganisationEn},
    CatalogItem{"SDS", "No.72", kS3Ja, kS3En,
                "脅威に対する管理責任の範囲について、医療機関等に明確に示し、その事項を示す文書等を提示できるか？",
                "Is the scope of responsibility for threats shown clearly to the institution, in documents?",
                Check::outside, kOrganisationJa, kOrganisationEn},
    CatalogItem{"SDS", "No.73", kS3Ja, kS3En,
                "医療機関等から委託をされた範囲において、脅威に対する管理責任の範囲を医療機関等に明確に示し、その事項を示す文書等を提示"
                "できるか？",
                "Within what the institution entrusts, is the scope of responsibility for threats shown clearly, in "
                "documents?",
                Check::outside, kOrganisationJa, kOrganisationEn},
    CatalogItem{"SDS", "No.2、", kS4Ja, kS4En, "扱う情報のリストを医療機関等に提示できるか？",
                "Can a list of the information handled be shown to the institution?", Check::outside, kDocumentsJa,
                kDocumentsEn},
    CatalogItem{"SDS", "No.101", kS5Ja, kS5En, "システムの移行の際に診療録等のデータを標準形式で出力・入力できるか？",
                "When migrating, can medical-record data be exported and imported in a standard format?",
                Check::outside, kRecordsJa, kRecordsEn},
    CatalogItem{"SDS", "No.102", kS5Ja, kS5En, "マスターデータベースの変更時に過去の診療録等の情報が変更されないようにしているか？",
                "When a master database changes, are past medical records kept unchanged?", Check::outside, kRecordsJa,
                kRecordsEn},
    CatalogItem{"SDS", "No.103", kS5Ja, kS5En, "旧データ形式使用機関がある間に対応を維持しているか？",
                "Is support kept while institutions still use the old data format?", Check::outside, kRecordsJa,
                kRecordsEn},
    CatalogItem{"SDS", "No.93", kS5Ja, kS5En, "電子媒体に保存された情報と見読化手段を対応付けて管理しているか？",
                "Are information on electronic media and the means of reading it managed together?", Check::outside,
                kRecordsJa, kRecordsEn},
    CatalogItem{"SDS", "No.51.3 / 53.7", kS7Ja, kS7En, "持出時に暗号化等を実施しているか？",
                "Is information encrypted when taken out?", Check::outside, kTerminalJa, kTerminalEn},
    CatalogItem{"SDS", "No.51.4 / 53.8", kS7Ja, kS7En, "外部ネットワーク接続時に情報漏えい対策を行っているか？",
                "Are there measures against leaks when connected to outside networks?", Check::eavesdropping},
    CatalogItem{"SDS", "No.51.1、", kS7Ja, kS7En, "持ち出し機器にソフトウェアインストール制限があるか？",
                "Is software installation restricted on portable devices?", Check::outside, kTerminalJa, kTerminalEn},
    CatalogItem{"SDS", "No.33", kS7Ja, kS7En, "機器廃棄時に読み出し可能な情報が残らないことを確認しているか？",
                "Is it confirmed that no readable information remains on disposed equipment?", Check::outside,
                kOrganisationJa, kOrganisationEn},
    CatalogItem{"SDS", "No.34", kS7Ja, kS7En, "廃棄委託業者の監督と破棄確認を行っているか？",
                "Are disposal contractors supervised and the destruction confirmed?", Check::outside, kOrganisationJa,
                kOrganisationEn},
    CatalogItem{"SDS", "No.74.1 / 91、", kS7Ja, kS7En, "不要なりモートログインを制限する仕組みがあるか？",
                "Is there a mechanism restricting unnecessary remote logins?", Check::remote_login},
    CatalogItem{"SDS", "No.19", kS8Ja, kS8En, "不正ソフトウェア混入を確認しているか？",
                "Is it checked that no malicious software has got in?", Check::outside, kMalwareJa, kMalwareEn},
    CatalogItem{"SDS", "No.96", kS8Ja, kS8En, "利用ソフトウェアや媒体の管理を行っているか？",
                "Are the software and media used managed?", Check::outside, kOrganisationJa, kOrganisationEn},
    CatalogItem{"SDS", "No.20 / 21", kS8Ja, kS8En, "実行プログラムを含むデータ送受信禁止または無害化処理を行っているか？",
                "Is sending or receiving data containing executables forbidden, or is it sanitised?", Check::outside,
                kMalwareJa, kMalwareEn},
    CatalogItem{"SDS", "No.54", kS8Ja, kS8En, "情報機器・媒体の所在を台帳で管理しているか？",
                "Is the whereabouts of information equipment and media kept in a ledger?", Check::device_ledger},
    CatalogItem{"SDS", "No.55", kS8Ja, kS8En, "個人保有機器の利用を禁止しているか？",
                "Is the use of personally owned equipment forbidden?", Check::registered_devices_only},
    CatalogItem{"SDS", "No.85", kS9Ja, kS9En, "システム構成および利用用途を明確にしているか？",
                "Are the system's structure and purposes made clear?", Check::outside, kDocumentsJa, kDocumentsEn},
    CatalogItem{"SDS", "No.38", kS10Ja, kS10En, "作業終了後に個人情報を含むデータを消去しているか？",
                "Is data containing personal information erased after the work ends?", Check::outside,
                kOrganisationJa, kOrganisationEn},
    CatalogItem{"SDS", "No.30", kS10Ja, kS10En, "外部委託先にも同等の個人情報保護対策を契約で義務付けているか？",
                "Are subcontractors bound by contract to the same personal-information protection?", Check::outside,
                kOrganisationJa, kOrganisationEn},
    CatalogItem{"SDS", "No.39", kS10Ja, kS10En, "改造・保守アカウントを作業員専用で運用しているか？",
                "Are modification and maintenance accounts used by the named workers alone?", Check::outside,
                kOrganisationJa, kOrganisationEn},
    CatalogItem{"SDS", "No.48", kS10Ja, kS10En, "リモート保守時にアクセスログを収集するか？",
                "Are access logs collected during remote maintenance?", Check::maintenance_log},
    CatalogItem{"SDS", "No.40", kS10Ja, kS10En, "改造・保守作業の記録を提供できるか？",
                "Can records of modification and maintenance work be provided?", Check::maintenance_record},
    CatalogItem{"SDS", "No.49", kS10Ja, kS10En, "送付ファイルが無害化処理されているか？", "Are files sent sanitised?",
                Check::outside, kMalwareJa, kMalwareEn},
    CatalogItem{"SDS", "No.57", kS11Ja, kS11En, "非常時アカウント等で医療サービス継続機能があるか？",
                "Can medical services continue through emergency accounts or the like?", Check::emergency_accounts},
    CatalogItem{"SDS", "No.57.1 / 57.2", kS11Ja, kS11En, "非常時アカウントの管理・監査手順が提供できるか？",
                "Can procedures for managing and auditing emergency accounts be provided?",
                Check::emergency_procedure},
    CatalogItem{"SDS", "No.57.3", kS11Ja, kS11En, "非常時アカウントが正常復帰後に継続使用できないよう変更できるか？",
                "Can emergency accounts be changed so that they cannot go on being used after normal operation "
                "resumes?",
                Check::emergency_end},
    CatalogItem{"SDS", "No.57.4", kS11Ja, kS11En, "標的型攻撃発生時の連絡手段を準備しているか？",
                "Is there a means of contact ready for when a targeted attack happens?", Check::incident_contact},
    CatalogItem{"SDS", "No.58.1 / 58.2", kS11Ja, kS11En, "バックアップを複数世代・複数方式で実施しているか？",
                "Are backups taken in several generations and by several methods?", Check::backup_generations},
    CatalogItem{"SDS", "No.58.3", kS11Ja, kS11En, "バックアップ復元手段が整備されているか？",
                "Is there a means of restoring backups?", Check::restore},
    CatalogItem{"SDS", "No.1.1 / 1.2", kS12Ja, kS12En, "保存場所がガイドラインの要件を満たしているか？",
                "Does the storage location meet the guideline's requirements?", Check::outside, kPhysicalJa,
                kPhysicalEn},
    CatalogItem{"SDS", "No.12 / 12.1", kS12Ja, kS12En, "個人情報機器設置区画で入退管理を行っているか？",
                "Is entry controlled where equipment with personal information is installed?", Check::outside,
                kPhysicalJa, kPhysicalEn},
    CatalogItem{"SDS", "No.97", kS12Ja, kS12En, "院内保管・取扱情報を文書提供しているか？",
                "Are documents on storage and handling inside the institution provided?", Check::outside,
                kDocumentsJa, kDocumentsEn},
    CatalogItem{"SDS", "No.98", kS12Ja, kS12En, "保存・バックアップに必要な情報を文書提供しているか？",
                "Are documents with what is needed for storage and backups provided?", Check::outside, kDocumentsJa,
                kDocumentsEn},
    CatalogItem{"SDS", "No.67", kS13Ja, kS13En, "送信元と送信先の相手確認を行っているか？",
                "Are the sender and the receiver verified?", Check::peer_verification},
    CatalogItem{"SDS", "No.59 / 60 / 61 / 62 / 63", kS13Ja, kS13En, kCommJa, kCommEn, Check::transport_client_auth},
    CatalogItem{"SDS", "No.66", kS13Ja, kS13En, "なりすまし対策を行っているか？",
                "Are there measures against impersonation?", Check::spoofing},
    CatalogItem{"SDS", "No.65", kS13Ja, kS13En, "盗聴防止対策を行っているか？", "Are there measures against eavesdropping?",
                Check::eavesdropping},
    CatalogItem{"SDS", "No.64", kS13Ja, kS13En, "改ざん防止対策を行っているか？", "Are there measures against tampering?",
                Check::tampering},
    CatalogItem{"SDS", "No.22、", kS13Ja, kS13En, "無線 LAN のセキュリティ対策機能があるか？",
                "Does it have security functions for wireless LAN?", Check::outside, kWirelessJa, kWirelessEn},
    CatalogItem{"SDS", "No.17", kS14Ja, kS14En, "アクセス管理機能があるか？", "Is there access management?",
                Check::access_control},
    CatalogItem{"SDS", "No.17.1", kS14Ja, kS14En, kTwoFactorJa, kTwoFactorEn, Check::two_factor},
    CatalogItem{"SDS", "No.17.1.2、", kS14Ja, kS14En, "セキュリティデバイスが使えない場合の代替手段が規定されているか？",
                "Is an alternative laid down for when the security device cannot be used?", Check::device_fallback},
    CatalogItem{"SDS", "No.17.2、", kS14Ja, kS14En, "職種・担当別アクセス管理機能があるか？",
                "Can access be managed by job type and duty?", Check::roles},
    CatalogItem{"SDS", "No.80 / 81 / 82", kS14Ja, kS14En, "確定操作・識別情報記録機能があるか？",
                "Are finalising operations and identification recorded?", Check::outside, kRecordsJa, kRecordsEn},
    CatalogItem{"SDS", "No.84", kS14Ja, kS14En, "代行入力承認機能があるか？", "Can entry by a proxy be approved?",
                Check::outside, kRecordsJa, kRecordsEn},
    CatalogItem{"SDS", "No.77.1", kS15Ja, kS15En, "HPKI 又は公的認証対応の署名機能があるか？",
                "Can it sign with HPKI or public authentication certificates?", Check::outside, kSignatureJa,
                kSignatureEn},
    CatalogItem{"SDS", "No.77.3 / 77.4", kS15Ja, kS15En, "認定事業者のタイムスタンプが付与・検証可能か？",
                "Can time stamps of an accredited provider be applied and verified?", Check::outside, kSignatureJa,
                kSignatureEn},
    CatalogItem{"SDS", "No.105", kS16Ja, kS16En, "スキャン電子化して原本として保存できるか？",
                "Can scanned documents be kept as originals?", Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"SDS", "No.105.1", kS16Ja, kS16En, "スキャナが一定規格を満たすか？", "Does the scanner meet a set standard?",
                Check::outside, kSignatureJa, kSignatureEn},
    CatalogItem{"SDS", "No.17.3 / 17.4", kS17Ja, kS17En, "アクセス記録（アクセスログ）機能があるか？",
                "Are accesses recorded (access log)?", Check::access_log},
    CatalogItem{"SDS", "No.17.3.2", kS17Ja, kS17En, "アクセスログへのアクセス制限があるか？",
                "Is access to the access log restricted?", Check::log_protection},
    CatalogItem{"SDS", "No.18", kS17Ja, kS17En, "時刻情報の正確性を担保しているか？",
                "Is the accuracy of time information ensured?", Check::time_accuracy},
    CatalogItem{"SDS", "No.100", kS18Ja, kS18En, "データ破損時にバックアップから戻せるか？",
                "Can data be restored from a backup when it is damaged?", Check::restore},
};

std::string canonical_number(std::string_view number) {
    std::string out;
    for (const char c : number)
        if (c != ' ') out += c;
    const std::string comma = "、";
    if (out.size() >= comma.size() && out.compare(out.size() - comma.size(), comma.size(), comma) == 0)
        out.resize(out.size() - comma.size());
    return out;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::span<const CatalogItem> catalog() {
    return kItems;
}

ItemRef item_ref(const CatalogItem& item) {
    ItemRef ref;
    ref.list = item.list;
    ref.number = canonical_number(item.number);
    ref.id = ref.list + " " + ref.number;
    ref.section = {item.section_ja, item.section_en};
    ref.question = {item.question_ja, item.question_en};
    return ref;
}

bool names_item(std::string_view key, const ItemRef& item) {
    // "sds No.60", "SDS 60", "SDS-No.60" → list "sds", number "60"
    std::string text = lower_ascii(canonical_number(key));
    for (auto& c : text)
        if (c == '-' || c == '_') c = ' ';
    std::string list, number;
    if (text.size() >= 3) {
        list = text.substr(0, 3);
        number = text.substr(3);
    }
    if (list != lower_ascii(item.list)) return false;
    while (!number.empty() && (number.front() == ' ')) number.erase(0, 1);
    if (number.rfind("no.", 0) == 0) number.erase(0, 3);
    if (number.empty()) return false;
    std::string whole = lower_ascii(item.number);
    if (whole.rfind("no.", 0) == 0) whole.erase(0, 3);
    if (number == whole) return true;
    std::size_t start = 0;
    while (start <= whole.size()) {
        const auto slash = whole.find('/', start);
        const auto part = whole.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part == number) return true;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return false;
}

} // namespace sekisho::disclosure

// The words the two lists of the catalog share: the guideline's section names and the reasons
// an item is 対象外 for a gateway. Internal to disclosure/.
#pragma once

namespace sekisho::disclosure::catalog_text {

// Why an item is 対象外 for a gateway: the reasons shared by several items.
inline constexpr const char* kRecordsJa =
    "診療録等の作成・保存・確定・検索はゲートウェイの背後のサービス（SaaS）が行う。本ゲートウェイは診療情報を保存しない";
inline constexpr const char* kRecordsEn =
    "Medical records are made, kept, finalised and searched by the service (SaaS) behind the gateway; the gateway "
    "stores no medical information";
inline constexpr const char* kTerminalJa =
    "端末・持ち出し機器・記録媒体そのものの対策であり、ゲートウェイの機能ではない（本ゲートウェイは登録された端末以外を通さない）";
inline constexpr const char* kTerminalEn =
    "A measure of the terminals, portable devices and media themselves, not of the gateway (which admits no "
    "terminal that is not registered)";
inline constexpr const char* kOrganisationJa =
    "サービス事業者の組織的・契約上の対策であり、ゲートウェイの設定からは判定できない（サービス事業者の SDS で回答する）";
inline constexpr const char* kOrganisationEn =
    "An organisational or contractual measure of the service provider, which the gateway's configuration cannot "
    "show (answered in the provider's own SDS)";
inline constexpr const char* kPhysicalJa =
    "設置場所・入退室の物理的対策であり、ゲートウェイの設定からは判定できない（サービス事業者の SDS で回答する）";
inline constexpr const char* kPhysicalEn =
    "A physical measure of the premises and rooms, which the gateway's configuration cannot show (answered in the "
    "provider's own SDS)";
inline constexpr const char* kDocumentsJa =
    "医療機関への文書の提供であり、ゲートウェイが生成する情報ではない（サービス事業者の SDS で回答する）";
inline constexpr const char* kDocumentsEn =
    "The provision of documents to the medical institution, not something the gateway produces (answered in the "
    "provider's own SDS)";
inline constexpr const char* kMalwareJa =
    "通信内容の検査・無害化はゲートウェイの機能ではない（端末・サーバ側の不正ソフトウェア対策製品で行う）";
inline constexpr const char* kMalwareEn =
    "Inspecting or sanitising content is not a function of the gateway (done by anti-malware products on the "
    "terminals and servers)";
inline constexpr const char* kWirelessJa = "無線 LAN は院内ネットワーク機器の対策であり、ゲートウェイの機能ではない";
inline constexpr const char* kWirelessEn = "Wireless LAN security belongs to the network equipment, not to the gateway";
inline constexpr const char* kSignatureJa =
    "電子署名・タイムスタンプ・スキャナ保存は診療文書を扱うサービス（SaaS）の機能であり、ゲートウェイは診療文書を扱わない";
inline constexpr const char* kSignatureEn =
    "Electronic signatures, time stamps and scanned originals are functions of the service (SaaS) handling the "
    "documents; the gateway handles no clinical documents";

inline constexpr const char* kS5Ja = "5. システム設計の見直し（標準化対応等）";
inline constexpr const char* kS5En = "5. Review of the system design (standardisation)";
inline constexpr const char* kS7Ja = "7. 情報管理（管理・持ち出し・破棄等）";
inline constexpr const char* kS7En = "7. Information management (handling, taking out, disposal)";
inline constexpr const char* kS8Ja = "8. 利用機器・サービスに対する安全管理措置";
inline constexpr const char* kS8En = "8. Safety measures for the equipment and services used";
inline constexpr const char* kS9Ja = "9. ソフトウェア・サービスに対する要求事項";
inline constexpr const char* kS9En = "9. Requirements on software and services";
inline constexpr const char* kS11Ja = "11. システム運用管理（通常時・非常時等）";
inline constexpr const char* kS11En = "11. System operation (normal times and emergencies)";
inline constexpr const char* kS12Ja = "12. 物理的安全管理措置";
inline constexpr const char* kS12En = "12. Physical safety measures";
inline constexpr const char* kS13Ja = "13. ネットワークに関する安全管理措置";
inline constexpr const char* kS13En = "13. Network safety measures";
inline constexpr const char* kS14Ja = "14. 認証・認可に関する安全管理措置";
inline constexpr const char* kS14En = "14. Authentication and authorisation";
inline constexpr const char* kS15Ja = "15. 電子署名、タイムスタンプ";
inline constexpr const char* kS15En = "15. Electronic signatures, time stamps";
inline constexpr const char* kS16Ja = "16. 紙媒体等で作成した医療情報の電子化";
inline constexpr const char* kS16En = "16. Digitising medical information made on paper";
inline constexpr const char* kS17Ja = "17. 証跡のレビュー・システム監査";
inline constexpr const char* kS17En = "17. Review of trails, system audit";
inline constexpr const char* kS18Ja = "18. 外部からの攻撃に対する安全管理措置";
inline constexpr const char* kS18En = "18. Safety measures against attacks from outside";
inline constexpr const char* kS2Ja = "2. システム設計・運用に必要な規程類と文書体系";
inline constexpr const char* kS2En = "2. Rules and documents needed to design and run the system";
inline constexpr const char* kS3Ja = "3. 責任分界";
inline constexpr const char* kS3En = "3. Division of responsibility";
inline constexpr const char* kS4Ja = "4. リスクアセスメントを踏まえた安全管理対策の設計";
inline constexpr const char* kS4En = "4. Safety measures designed from a risk assessment";
inline constexpr const char* kS10Ja = "10. 事業者による保守対応等に対する安全管理措置";
inline constexpr const char* kS10En = "10. Safety measures for maintenance by the provider";

inline constexpr const char* kCommJa =
    "通信方式として、下記いずれかに対応しているか？ ・専用線 ・IP-VPN ・IPsec-VPN+IKE (セッション間の回り込み対策含む) "
    "・TLS1.2(高セキュリティ型)以上のクライアント認証";
inline constexpr const char* kCommEn =
    "Does it support one of these communication methods? Leased line; IP-VPN; IPsec-VPN + IKE (with measures against "
    "session cross-over); client authentication over TLS 1.2 (high-security profile) or later";
inline constexpr const char* kTwoFactorJa =
    "利用者の認証方式について、下記のうち二要素を組み合わせた認証が可能か？ ・記憶 (ID・パスワード等) ・生体認証 (指紋等) "
    "・物理媒体 (IC カード等) (二要素認証に対応済、もしくは医療機関等の次期システム更改までに二要素認証とみなすことが可能な措置に"
    "対応予定の場合は「はい」を選択してください。)";
inline constexpr const char* kTwoFactorEn =
    "Can users be authenticated by two of these factors combined? Knowledge (ID, password); biometrics "
    "(fingerprint); a physical token (IC card). (Answer yes when two-factor authentication is supported, or a "
    "measure that counts as two-factor is planned by the institution's next system renewal.)";

} // namespace sekisho::disclosure::catalog_text

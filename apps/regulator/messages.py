"""The regulator app's UI strings: key -> (zh, en). Merged with the shared ones
(backend/http/messages.py) at start-up by backend.http.i18n; a key defined in two tables is an error."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- fields shared by several forms
    "common.listSep": ("、", ", "),
    # ---- statuses
    "status.org.suspended": ("暂停", "Suspended"),
    "status.org.blacklisted": ("失信黑名单", "Blacklisted"),
    # ---- organisations (enterprise and regulator apps)
    "org.status": ("状态", "Status"),
    "org.statusReason": ("处置原因", "Reason"),
    # ---- regulator app
    "reg.orgs.title": ("辖区机构", "Organisations in my region"),
    "reg.reviews.title": ("入驻审核", "Onboarding reviews"),
    "reg.reviews.lead": ("辖区内新登记、等待审核的机构。核对统一社会信用代码、名称、地区和证照扫描件后通过或驳回。",
                         "Organisations of my regions awaiting review. Check the credit code, name, region and licence scans, then approve or refuse."),
    "reg.reviews.none": ("没有待审核的机构", "No organisation awaits review"),
    "reg.reviews.submitted": ("提交于 {at}", "Submitted {at}"),
    "reg.review.title": ("入驻审核", "Onboarding review"),
    "reg.review.name": ("机构名称", "Organisation name"),
    "reg.review.approve": ("审核通过", "Approve"),
    "reg.review.approve.confirm": ("确认该机构资料属实并通过审核？", "Approve this organisation?"),
    "reg.review.refuse": ("驳回", "Refuse"),
    "reg.review.reason": ("驳回理由（申请人可见）", "Reason for refusal (shown to the applicant)"),
    "reg.orgs.scope": ("监管范围：{regions}", "Jurisdiction: {regions}"),
    "reg.orgs.scope.all": ("监管范围：全部地区", "Jurisdiction: all regions"),
    "reg.orgs.none": ("没有符合条件的机构", "No organisation matches"),
    "reg.summary": ("辖区概况", "Summary"),
    "reg.summary.orgs": ("机构总数", "Organisations"),
    "reg.summary.devices": ("设备在线", "Devices online"),
    "reg.filter.q": ("搜索名称或信用代码", "Search name or credit code"),
    "reg.filter.allKinds": ("全部类型", "All kinds"),
    "reg.filter.allStatuses": ("全部状态", "All statuses"),
    "reg.org.registered": ("登记日期", "Registered"),
    "reg.org.current": ("当前处置：{status}。原因：{reason}", "Currently {status}. Reason: {reason}"),
    "reg.status.title": ("监管处置", "Regulatory action"),
    "reg.status.to.active": ("恢复正常", "Reinstate"),
    "reg.status.to.suspended": ("暂停业务", "Suspend"),
    "reg.status.to.blacklisted": ("列入失信黑名单", "Blacklist"),
    "reg.status.reason": ("处置原因", "Reason"),
    "reg.status.reason.hint": ("将记入审计日志，并显示给该机构", "Goes into the audit trail and is shown to the organisation"),
    "reg.status.submit": ("提交处置", "Apply"),
    "reg.status.confirm": ("确定提交此处置？", "Apply this action?"),
    # ---- GPS: live maps, waybill tracks, the driver's waybill (issue 6; js/geomap.js, livemap.js, waybill.js)
    "gps.live.leadRegion": ("辖区场地、卡口与车辆位置，每 5 秒自动刷新。", "Sites, checkpoints and trucks in the region; refreshed every 5 s."),
    "gps.live.region": ("辖区", "Region"),
    # ---- audited reads of personal information (issue 12 §8)
    "reg.reads.title": ("个人信息查阅记录", "Reads of personal information"),
    "reg.reads.lead": (
        "谁在何时、以何身份、通过哪个功能查看了哪位司机的哪些实名信息（不含信息本身）。平台管理员可见全部，监管人员可见本辖区登记人员的记录。",
        "Who saw which driver's real-name information, when, in which capacity and through which route (never the "
        "information itself). Platform admins see all; regulators those of people registered in their region.",
    ),
    "reg.reads.subject": ("被查看人（用户ID）", "Subject (user id)"),
    "reg.reads.actor": ("查看人", "Reader"),
    "reg.reads.filter": ("筛选", "Filter"),
    "reg.reads.when": ("时间", "When"),
    "reg.reads.what": ("内容", "What"),
    "reg.reads.route": ("功能/客户端", "Route / client"),
    "reg.reads.none": ("没有符合条件的记录", "No reads match"),
    "reg.reads.newer": ("较新", "Newer"),
    "reg.reads.older": ("更早", "Older"),
}

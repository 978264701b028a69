"""Sessions under /sessions/ (their route names predate the research pages), topics,
research projects, reports, the suggestion ledger, referrals and departments beside them."""

from django.urls import include, path

from apps.core.pagecache import cached_page

from .views import (
    departments,
    handling,
    opinion_issues,
    opinions,
    proposal_reports,
    proposals,
    referrals,
    research,
    sessions,
    suggestions,
)

app_name = "consultation"

session_patterns = [
    path("", cached_page(sessions.SessionListView.as_view()), name="list"),
    path("export.xlsx", sessions.SessionExportView.as_view(), name="export"),
    path("calendar/", cached_page(sessions.SessionCalendarView.as_view()), name="calendar"),
    path("new/", sessions.SessionCreateView.as_view(), name="create"),
    path("<int:pk>/", cached_page(sessions.SessionDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", sessions.SessionUpdateView.as_view(), name="update"),
    path("<int:pk>/submit/", sessions.SessionSubmitView.as_view(), name="submit"),
    path("<int:pk>/publish/", sessions.SessionPublishView.as_view(), name="publish"),
    path("<int:pk>/return/", sessions.SessionReturnView.as_view(), name="return"),
    path("photos/<int:pk>/", sessions.PhotoView.as_view(), name="photo"),
    path(
        "photos/<int:pk>/thumbnail/",
        sessions.PhotoView.as_view(thumbnail=True),
        name="photo_thumbnail",
    ),
]

P = proposals
proposal_patterns = [
    path("", cached_page(P.ProposalListView.as_view()), name="proposal_list"),
    path("export.xlsx", proposal_reports.ProposalExportView.as_view(), name="proposal_export"),
    path("compilation/", proposal_reports.CompilationView.as_view(), name="proposal_compilation"),
    path(
        "statistics/",
        cached_page(proposal_reports.ProposalStatisticsView.as_view()),
        name="proposal_statistics",
    ),
    path("mine/", cached_page(P.MyProposalsView.as_view()), name="my_proposals"),
    path("new/", P.ProposalCreateView.as_view(), name="proposal_create"),
    path("<int:pk>/", cached_page(P.ProposalDetailView.as_view()), name="proposal_detail"),
    path("<int:pk>/edit/", P.ProposalUpdateView.as_view(), name="proposal_update"),
    path("<int:pk>/file/", P.ProposalFileView.as_view(), name="proposal_file"),
    *[
        path(f"<int:pk>/{step}/", P.ProposalStepView.as_view(step=step), name=f"proposal_{step}")
        for step in P.ProposalStepView.steps
    ],
    path("<int:pk>/key/", P.ProposalFlagView.as_view(flag="key"), name="proposal_key"),
    path(
        "<int:pk>/outstanding/",
        P.ProposalFlagView.as_view(flag="outstanding"),
        name="proposal_outstanding",
    ),
    path("<int:pk>/not-registered/", P.NotRegisterView.as_view(), name="proposal_not_register"),
    path("<int:pk>/merge/", P.MergeView.as_view(), name="proposal_merge"),
    path("<int:pk>/assign/", P.AssignView.as_view(), name="proposal_assign"),
    path("<int:pk>/rate/", P.RateView.as_view(), name="proposal_rate"),
    path("<int:pk>/instruct/", P.InstructView.as_view(), name="proposal_instruct"),
    path("cosign/<int:pk>/", P.SignerRespondView.as_view(), name="proposal_cosign"),
]

OP, OI = opinions, opinion_issues
opinion_patterns = [
    path("", cached_page(OP.OpinionListView.as_view()), name="opinion_list"),
    path("export.xlsx", OI.OpinionExportView.as_view(), name="opinion_export"),
    path("statistics/", cached_page(OI.OpinionStatisticsView.as_view()), name="opinion_statistics"),
    path("mine/", cached_page(OP.MyOpinionsView.as_view()), name="my_opinions"),
    path("new/", OP.OpinionCreateView.as_view(), name="opinion_create"),
    path("<int:pk>/", cached_page(OP.OpinionDetailView.as_view()), name="opinion_detail"),
    path("<int:pk>/edit/", OP.OpinionUpdateView.as_view(), name="opinion_update"),
    path("<int:pk>/submit/", OP.OpinionSubmitView.as_view(), name="opinion_submit"),
    path("<int:pk>/adopt/", OP.AdoptView.as_view(), name="opinion_adopt"),
    path("<int:pk>/sent-text/", OP.SentTextView.as_view(), name="opinion_sent_text"),
    path("<int:pk>/not-adopted/", OP.NotAdoptView.as_view(), name="opinion_not_adopt"),
    path("<int:pk>/return/", OP.ReturnView.as_view(), name="opinion_return"),
    path("<int:pk>/refer/", OP.ReferView.as_view(), name="opinion_refer"),
    path("<int:pk>/instruct/", OP.InstructView.as_view(), name="opinion_instruct"),
    path("<int:pk>/higher/", OP.AdoptionView.as_view(), name="opinion_adoption"),
    path("<int:pk>/file/", OP.OpinionFileView.as_view(), name="opinion_file"),
    path("photos/<int:pk>/", OP.OpinionPhotoView.as_view(), name="opinion_photo"),
    path(
        "photos/<int:pk>/thumbnail/",
        OP.OpinionPhotoView.as_view(thumbnail=True),
        name="opinion_photo_thumbnail",
    ),
    path("issues/", cached_page(OI.IssueListView.as_view()), name="opinion_issue_list"),
    path("issues/new/", OI.IssueCreateView.as_view(), name="opinion_issue_create"),
    path(
        "issues/<int:pk>/", cached_page(OI.IssueDetailView.as_view()), name="opinion_issue_detail"
    ),
    path("issues/<int:pk>/docx/", OI.IssueDocxView.as_view(), name="opinion_issue_docx"),
    path("issues/<int:pk>/send/", OI.IssueSendView.as_view(), name="opinion_issue_send"),
    path(
        "issues/<int:pk>/instruct/", OI.IssueInstructView.as_view(), name="opinion_issue_instruct"
    ),
]

urlpatterns = [
    path("sessions/", include(session_patterns)),
    path("opinions/", include(opinion_patterns)),
    path("proposals/", include(proposal_patterns)),
    # Topics and research projects
    path("topics/", cached_page(research.TopicListView.as_view()), name="topic_list"),
    path("topics/new/", research.TopicCreateView.as_view(), name="topic_create"),
    path("topics/<int:pk>/", cached_page(research.TopicDetailView.as_view()), name="topic_detail"),
    path("topics/<int:pk>/edit/", research.TopicUpdateView.as_view(), name="topic_update"),
    path(
        "topics/<int:topic>/projects/new/",
        research.ProjectCreateView.as_view(),
        name="project_create",
    ),
    path("projects/", cached_page(research.ProjectListView.as_view()), name="project_list"),
    path(
        "projects/<int:pk>/",
        cached_page(research.ProjectDetailView.as_view()),
        name="project_detail",
    ),
    path("projects/<int:pk>/edit/", research.ProjectUpdateView.as_view(), name="project_update"),
    path(
        "projects/<int:project>/reports/new/",
        research.ReportCreateView.as_view(),
        name="report_create",
    ),
    # Reports, their files and instructions
    path("reports/", cached_page(research.ReportListView.as_view()), name="report_list"),
    path(
        "instructions/",
        cached_page(research.InstructionListView.as_view()),
        name="instruction_list",
    ),
    path(
        "reports/<int:pk>/", cached_page(research.ReportDetailView.as_view()), name="report_detail"
    ),
    path("reports/<int:pk>/edit/", research.ReportUpdateView.as_view(), name="report_update"),
    path("reports/<int:pk>/file/", research.ReportFileView.as_view(), name="report_file"),
    path(
        "reports/versions/<int:pk>/file/",
        research.ReportFileView.as_view(version=True),
        name="report_version_file",
    ),
    path(
        "reports/<int:report>/instructions/new/",
        research.InstructionCreateView.as_view(),
        name="instruction_create",
    ),
    path(
        "reports/<int:report>/suggestions/new/",
        suggestions.SuggestionCreateView.as_view(),
        name="suggestion_create",
    ),
    # Suggestions and referrals
    path(
        "suggestions/",
        cached_page(suggestions.SuggestionListView.as_view()),
        name="suggestion_list",
    ),
    path(
        "suggestions/export.xlsx",
        suggestions.SuggestionExportView.as_view(),
        name="suggestion_export",
    ),
    path(
        "suggestions/mine/",
        cached_page(suggestions.MySuggestionsView.as_view()),
        name="my_suggestions",
    ),
    path(
        "suggestions/statistics/",
        cached_page(departments.StatisticsView.as_view()),
        name="statistics",
    ),
    path(
        "suggestions/<int:pk>/",
        cached_page(suggestions.SuggestionDetailView.as_view()),
        name="suggestion_detail",
    ),
    path(
        "suggestions/<int:pk>/edit/",
        suggestions.SuggestionUpdateView.as_view(),
        name="suggestion_update",
    ),
    path(
        "suggestions/<int:suggestion>/refer/",
        referrals.ReferralCreateView.as_view(),
        name="referral_create",
    ),
    path("referrals/<int:pk>/reply/", referrals.ReferralReplyView.as_view(), name="referral_reply"),
    path("referrals/<int:pk>/close/", referrals.ReferralCloseView.as_view(), name="referral_close"),
    path(
        "referrals/<int:pk>/reopen/", referrals.ReferralReopenView.as_view(), name="referral_reopen"
    ),
    path(
        "referrals/<int:pk>/letter/", referrals.ReferralLetterView.as_view(), name="referral_letter"
    ),
    path(
        "referrals/rounds/<int:pk>/letter/",
        referrals.ReferralLetterView.as_view(round=True),
        name="referral_round_letter",
    ),
    # A handling department's own pages (承办单位)
    path("handling/", cached_page(handling.HandlingListView.as_view()), name="handling_list"),
    path(
        "handling/<int:pk>/",
        cached_page(handling.HandlingDetailView.as_view()),
        name="handling_detail",
    ),
    path("handling/<int:pk>/reply/", handling.HandlingReplyView.as_view(), name="handling_reply"),
    path(
        "handling/<int:pk>/opinion/",
        handling.HandlingOpinionView.as_view(),
        name="handling_opinion",
    ),
    # Departments
    path(
        "departments/",
        cached_page(departments.DepartmentListView.as_view()),
        name="department_list",
    ),
    path(
        "departments/<int:pk>/",
        cached_page(departments.DepartmentDetailView.as_view()),
        name="department_detail",
    ),
]

from django.urls import path

from apps.core.pagecache import cached_page

from . import contact_views, personal_views, views

app_name = "members"

urlpatterns = [
    path("", cached_page(views.MemberListView.as_view()), name="list"),
    path("new/", views.MemberCreateView.as_view(), name="create"),
    path("export.xlsx", views.MemberExportView.as_view(), name="export"),
    path("search/", views.MemberSearchView.as_view(), name="search"),
    path("me/", views.OwnProfileView.as_view(), name="me"),
    path("me/contact/", views.OwnContactUpdateView.as_view(), name="my_contact"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/preview/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("sectors/", cached_page(views.SectorLinkListView.as_view()), name="sector_links"),
    path("sectors/links/new/", views.SectorLinkCreateView.as_view(), name="sector_link_create"),
    path(
        "sectors/links/<int:pk>/delete/",
        views.SectorLinkDeleteView.as_view(),
        name="sector_link_delete",
    ),
    path("pairings/", cached_page(views.CoverageView.as_view()), name="coverage"),
    path("pairings/mine/", cached_page(views.MyPairingsView.as_view()), name="my_pairings"),
    path(
        "pairings/contacts/",
        cached_page(contact_views.ContactRecordListView.as_view()),
        name="contact_list",
    ),
    path("pairings/new/", views.PairingCreateView.as_view(), name="pairing_create"),
    path(
        "pairings/<int:pk>/", cached_page(views.PairingDetailView.as_view()), name="pairing_detail"
    ),
    path("pairings/<int:pk>/end/", views.PairingEndView.as_view(), name="pairing_end"),
    path(
        "pairings/<int:pk>/contacts/new/",
        views.ContactRecordCreateView.as_view(),
        name="contact_create",
    ),
    path("<int:pk>/", cached_page(views.MemberDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", views.MemberUpdateView.as_view(), name="update"),
    path("<int:pk>/archive/", views.MemberArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.MemberArchiveView.as_view(restore=True), name="restore"),
    path("<int:pk>/delete/", views.MemberDeleteView.as_view(), name="delete"),
    path("<int:pk>/photo/", views.MemberPhotoView.as_view(), name="photo"),
    path(
        "<int:pk>/personal/<str:field>/",
        personal_views.RevealPersonalView.as_view(),
        name="reveal",
    ),
]

from django.urls import include, path

from . import auth as auth_views
from . import deadlines as deadline_views
from . import entries as entry_views
from . import exports as export_views
from . import imports as import_views
from . import objections as objection_views
from . import public as public_views
from . import repairs as repair_views
from . import views
from . import reports as report_views
from . import status as status_views

urlpatterns = [
    # First: the status check (应查必查) is the hottest path; every pattern above it is tried first.
    path("status/batch/", status_views.StatusBatch.as_view(), name="status-batch"),
    path("status/<str:identifier>/", status_views.status_check, name="status-check"),  # lean; StatusCheck's contract
    path("auth/token/", auth_views.TokenObtain.as_view(), name="api-token"),  # locks: config/signin.py
    path("subjects/", views.SubjectListCreate.as_view(), name="subject-list"),
    path("subjects/<str:identifier>/", views.SubjectDetail.as_view(), name="subject-detail"),
    path("units/", views.UnitList.as_view(), name="unit-list"),
    path("deadlines/", deadline_views.DeadlinePlan.as_view(), name="deadline-plan"),
    path("list-types/", views.ListTypeList.as_view(), name="list-type-list"),
    path("measures/", views.MeasureList.as_view(), name="measure-list"),
    path("letters/", include("letters.api")),
    path("reports/feedback/", report_views.FeedbackReport.as_view(), name="report-feedback"),
    path("public/entries/", public_views.PublicEntries.as_view(), name="public-entries"),
    path("entries/", entry_views.EntryListCreate.as_view(), name="entry-list"),
    path("entries/<int:pk>/", entry_views.EntryDetail.as_view(), name="entry-detail"),
    path("entries/<int:pk>/withdraw/", entry_views.EntryWithdraw.as_view(), name="entry-withdraw"),
    path("entries/<int:pk>/remove/", entry_views.EntryRemove.as_view(), name="entry-remove"),
    path("entries/<int:pk>/correct/", entry_views.EntryCorrect.as_view(), name="entry-correct"),
    path("executions/", entry_views.ExecutionList.as_view(), name="execution-list"),
    path("objections/", objection_views.ObjectionListCreate.as_view(), name="objection-list"),
    path("objections/<int:pk>/", objection_views.ObjectionDetail.as_view(), name="objection-detail"),
    path("objections/<int:pk>/supplement-request/", objection_views.ObjectionSupplementRequest.as_view(),
         name="objection-supplement-request"),
    path("objections/<int:pk>/extend/", objection_views.ObjectionExtend.as_view(), name="objection-extend"),
    path("public/objections/", objection_views.PublicObjectionFile.as_view(), name="public-objection-file"),
    path("public/objections/<str:number>/", objection_views.PublicObjectionCase.as_view(), name="public-objection"),
    path("public/objections/<str:number>/supplement/",
         objection_views.PublicObjectionAction.as_view(action="supplement"), name="public-objection-supplement"),
    path("public/objections/<str:number>/chase-up/",
         objection_views.PublicObjectionAction.as_view(action="chase-up"), name="public-objection-chase-up"),
    path("public/objections/<str:number>/withdraw/",
         objection_views.PublicObjectionAction.as_view(action="withdraw"), name="public-objection-withdraw"),
    path("public/objections/<str:number>/letters/<int:letter_id>/pdf/",
         objection_views.PublicObjectionLetter.as_view(), name="public-objection-letter"),
    path("public/repairs/eligibility/", repair_views.PublicRepairEligibility.as_view(),
         name="public-repair-eligibility"),
    path("public/repairs/", repair_views.PublicRepairFile.as_view(), name="public-repair-file"),
    path("public/repairs/<str:number>/", repair_views.PublicRepairCase.as_view(), name="public-repair"),
    path("public/repairs/<str:number>/material/",
         repair_views.PublicRepairAction.as_view(action="material"), name="public-repair-material"),
    path("public/repairs/<str:number>/chase-up/",
         repair_views.PublicRepairAction.as_view(action="chase-up"), name="public-repair-chase-up"),
    path("public/repairs/<str:number>/withdraw/",
         repair_views.PublicRepairAction.as_view(action="withdraw"), name="public-repair-withdraw"),
    path("public/repairs/<str:number>/letters/<int:letter_id>/pdf/",
         repair_views.PublicRepairLetter.as_view(), name="public-repair-letter"),
    path("repairs/", repair_views.RepairListCreate.as_view(), name="repair-list"),
    path("repairs/figures/", repair_views.RepairFigures.as_view(), name="repair-figures"),
    path("repairs/<int:pk>/", repair_views.RepairDetail.as_view(), name="repair-detail"),
    path("repairs/<int:pk>/supplement-request/", repair_views.RepairSupplementRequest.as_view(),
         name="repair-supplement-request"),
    path("repairs/<int:pk>/extend/", repair_views.RepairExtend.as_view(), name="repair-extend"),
    path("repairs/<int:pk>/revoke/", repair_views.RepairRevoke.as_view(), name="repair-revoke"),
    path("imports/", import_views.ImportList.as_view(), name="import-list"),
    path("imports/entries/", import_views.ImportSubmit.as_view(kind="ENTRIES"), name="import-entries"),
    path("imports/feedback/", import_views.ImportSubmit.as_view(kind="FEEDBACK"), name="import-feedback"),
    path("imports/<int:pk>/", import_views.ImportDetail.as_view(), name="import-detail"),
    path("imports/<int:pk>/errors/", import_views.ImportErrors.as_view(), name="import-errors"),
    path("imports/<int:pk>/errors.csv", import_views.ImportErrorsCsv.as_view(), name="import-errors-csv"),
    path("exports/entries/", export_views.ActiveEntriesExport.as_view(), name="export-entries"),
    path("exports/statistics/", export_views.CaseStatisticsExport.as_view(), name="export-statistics"),
    path("exports/quarterly/", export_views.QuarterlyReport.as_view(), name="export-quarterly"),
]

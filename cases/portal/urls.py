"""The subjects' portal (/portal/)."""

from django.urls import path

from .views import accounts, filing, follow, front

app_name = "portal"

urlpatterns = [
    path("", front.front, name="front"),
    path("repair-check/", front.repair_check, name="repair-check"),
    path("file/done/", filing.file_done, name="file-done"),
    path("file/<slug:kind>/", filing.file_start, name="file"),
    path("file/<slug:kind>/upload/", filing.file_upload, name="file-upload"),
    path("file/<slug:kind>/remove/<slug:file_id>/", filing.file_remove, name="file-remove"),
    path("file/<slug:kind>/<slug:step>/", filing.file_step, name="file-step"),
    path("follow/", follow.follow, name="follow"),
    path("cases/<str:number>/", follow.case_page, name="case"),
    path("cases/<str:number>/chase-up/", follow.chase_up, name="chase-up"),
    path("cases/<str:number>/material/", follow.material, name="material"),
    path("cases/<str:number>/withdraw/", follow.withdraw, name="withdraw"),
    path("cases/<str:number>/letters/<int:letter_id>/", follow.letter_pdf, name="letter"),
    path("cases/<str:number>/material/<int:attachment_id>/", follow.attachment, name="attachment"),
    path("my/", accounts.my_cases, name="my-cases"),
    path("signup/", accounts.signup, name="signup"),
]
